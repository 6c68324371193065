"""Independent checks of what a policy did: the constraint violations of the report.

The checker keeps its own view of the world (the candidates' and dwellings' facts as generated,
the simulator's own record of live proposals, tried pairs and parking) and asks
`rules.eligibility` about every proposal when it is made and about every placement when the
candidate moves in, so a bug in the Allocator's bookkeeping shows up here instead of being
trusted. It also recounts the cap per municipality after every labelling decision and checks
one placement per candidate and per vacancy. Every count must be 0.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Set
from dataclasses import replace
from datetime import date

from services.allocation.domain import Allocator, rules

from .world import World

EPSILON = 1e-9
MAX_EXAMPLES = 20
KINDS = ("eligibility-at-proposal", "eligibility-at-placement", "cap", "double-placement",
         "allocator-invariants")


class Checker:
    def __init__(self, world: World, income_limits, availability_slack_days: int = 0):
        self.world = world
        self.income_limits = income_limits
        self.slack = availability_slack_days
        self.categories = frozenset(rule.category for rule in world.scenario.categories)
        self.cap_share = world.scenario.cap_share
        self.violations: Counter[str] = Counter({kind: 0 for kind in KINDS})
        self.examples: list[str] = []
        self.checked = Counter()
        self._placed_candidates: set[str] = set()
        self._placed_vacancies: set[str] = set()

    def at_proposal(self, candidate_id: str, vacancy_id: str, on: date, engaged: Set[str],
                    tried: Set[str], parked_until: date | None) -> None:
        candidate = replace(self.world.candidate_by_id[candidate_id], parked_until=parked_until)
        reasons = self._reasons(candidate, vacancy_id, on, engaged, tried)
        if candidate_id in self._placed_candidates:
            reasons.append("candidate-already-placed")
        self.checked["proposals"] += 1
        if reasons:
            self.violation("eligibility-at-proposal", f"{candidate_id}->{vacancy_id} on {on}: "
                            f"{', '.join(reasons)}")

    def at_placement(self, candidate_id: str, vacancy_id: str, proposed_on: date) -> None:
        """The pair against every hard constraint, as on the day it was proposed (the urgency
        must have been valid then; it may lapse before the keys are handed over)."""
        candidate = self.world.candidate_by_id[candidate_id]
        reasons = self._reasons(candidate, vacancy_id, proposed_on, frozenset(), frozenset())
        self.checked["placements"] += 1
        if reasons:
            self.violation("eligibility-at-placement", f"{candidate_id}->{vacancy_id}: "
                            f"{', '.join(reasons)}")
        if candidate_id in self._placed_candidates or vacancy_id in self._placed_vacancies:
            self.violation("double-placement", f"{candidate_id}->{vacancy_id}")
        self._placed_candidates.add(candidate_id)
        self._placed_vacancies.add(vacancy_id)

    def cap(self, municipality: str, urgent: int, lettings: int) -> None:
        self.checked["labels"] += 1
        allowed = math.ceil(self.cap_share * lettings - EPSILON)
        if urgent > allowed:
            self.violation("cap", f"{municipality}: {urgent} urgent of {lettings} lettings "
                            f"(cap {self.cap_share:.0%} allows {allowed})")

    def final(self, allocator: Allocator) -> None:
        for problem in allocator.invariant_violations():
            self.violation("allocator-invariants", problem)

    @property
    def total(self) -> int:
        return sum(self.violations.values())

    def summary(self) -> dict:
        return {"total": self.total, **{k: self.violations[k] for k in KINDS},
                "checked": dict(self.checked), "examples": list(self.examples)}

    def _reasons(self, candidate, vacancy_id: str, on: date, engaged: Set[str],
                 tried: Set[str]) -> list[str]:
        vacancy = self.world.vacancy_by_id[vacancy_id].vacancy
        context = rules.EligibilityContext(
            today=on, municipalities=self.world.refs, income_limits=self.income_limits,
            categories=self.categories, engaged_candidates=engaged, tried_candidates=tried,
            availability_slack_days=self.slack)
        return [str(r) for r in rules.eligibility(candidate, vacancy, context)]

    def violation(self, kind: str, example: str) -> None:
        self.violations[kind] += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(f"{kind}: {example}")
