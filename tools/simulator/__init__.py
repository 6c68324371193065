"""Policy simulator: a year of vacancies and urgent candidates through the allocation domain,
in-process (no Kafka), under three policies, against a hindsight bound.

    world = World(load_scenario("groningen"), 2026, seed=1)
    result = run_policy(world, setup("adaptive", world))
    report = policy_report(result, {"year-end": solve_bound(world, INCOME_LIMITS_2025)})

or all at once, as the `woonregie simulate` command does: `runner.run(...)`.
"""

from .bound import BoundResult, solve_bound
from .engine import EngineResult, run_policy
from .policies import PolicySetup, setup
from .report import policy_report
from .runner import run
from .scenario import POLICIES, Scenario, ScenarioError, load_scenario
from .world import World

__all__ = [
    "POLICIES", "BoundResult", "EngineResult", "PolicySetup", "Scenario", "ScenarioError",
    "World", "load_scenario", "policy_report", "run", "run_policy", "setup", "solve_bound",
]
