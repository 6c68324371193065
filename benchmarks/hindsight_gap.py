"""Where adaptive's distance to the hindsight bound comes from: the same world with the
information only hindsight has taken away, one piece at a time.

    .venv/bin/python benchmarks/hindsight_gap.py [--seed 1] [--scenario groningen]

The year-end bound knows, for every candidate and dwelling, whether both parties would accept
and how many days their answers and the move-in take; a policy learns it only by proposing.
Three worlds of the same scenario and seed:

- as is: declines, unanswered proposals, answer days and move-in delays drawn per pair;
- no declines: every proposal is accepted and answered (answer days and delays still drawn);
- deterministic: no declines, and every answer and move-in takes the same number of days
  (the scenario's mid-points), so there is nothing left to know in hindsight but the future
  arrivals and vacancies.

For each it runs `adaptive` and the year-end bound and prints the waiting cost, the ratio and
the mean days from proposal to move-in of the placements of both. Never a timed test: run by
hand, figures go to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.simulator import World, run_policy, setup, solve_bound  # noqa: E402
from tools.simulator.report import waiting_cost  # noqa: E402
from tools.simulator.scenario import parse_scenario, scenario_path  # noqa: E402
from services.registry.domain import default_reference_data  # noqa: E402


def no_declines(raw: dict) -> dict:
    behaviour = raw["behaviour"]
    behaviour["declineProbability"] = {"preferred": 0, "indifferent": 0, "notPreferred": 0}
    behaviour["corporationDeclineProbability"] = 0
    behaviour["noResponseProbability"] = 0
    return raw


def deterministic(raw: dict) -> dict:
    behaviour = no_declines(raw)["behaviour"]
    for key in ("candidateResponseDays", "corporationResponseDays", "moveInDelayDays"):
        low, high = behaviour[key]
        middle = (low + high) // 2
        behaviour[key] = [middle, middle]
    return raw


WORLDS = {"as is": lambda raw: raw, "no declines": no_declines, "deterministic": deterministic}


def measure(raw: dict, year: int, seed: int) -> dict:
    scenario = parse_scenario(raw, default_reference_data())
    world = World(scenario, year, seed)
    policy = setup("adaptive", world)
    result = run_policy(world, policy)
    bound = solve_bound(world, policy.allocation.income_limits)
    cost = waiting_cost(world, result)["total"]
    return {
        "adaptive": cost, "bound": bound.waiting_cost, "ratio": cost / bound.waiting_cost,
        "housed": (len(result.placements), len(bound.assignment)),
        "proposal_to_move_in": (
            statistics.mean((p.move_in - p.proposed_on).days for p in result.placements),
            statistics.mean((p.move_in - p.proposed_on).days for p in bound.assignment)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="groningen")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    base = json.loads(Path(scenario_path(args.scenario)).read_text(encoding="utf-8"))
    print(f"scenario {args.scenario}, year {args.year}, seed {args.seed}, adaptive pacing "
          f"{base['policies'].get('adaptive', {}).get('pacing', 'even')}")
    print(f"{'world':<14} {'adaptive':>9} {'bound':>9} {'ratio':>6} {'housed':>9} "
          f"{'proposal->move-in (d)':>22}")
    for name, change in WORLDS.items():
        figures = measure(change(copy.deepcopy(base)), args.year, args.seed)
        mine, theirs = figures["proposal_to_move_in"]
        print(f"{name:<14} {figures['adaptive']:>9,.0f} {figures['bound']:>9,.0f} "
              f"{figures['ratio']:>5.2f}x {figures['housed'][0]:>4}/{figures['housed'][1]:<4} "
              f"{mine:>10.1f} vs {theirs:<8.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
