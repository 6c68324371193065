"""The three policies, each expressed as a configuration of the same Allocator.

All three run the domain's `Allocator`: its hard constraints (`rules.eligibility`), its ranking
(`ranking.rank`), its proposal lifecycle (answers, declines, parking, expiry, move-in) and its
cap on the share of lettings to priority groups. They differ only in which vacancies are
labelled for an urgent candidate and in the ranking weights:

- `adaptive`: the platform itself. The Allocator receives the year's fair-share agreement;
  its controller labels a vacancy when the municipality is behind its pace (and the cap and an
  eligible candidate allow it). The pacing is the scenario's (`front-loaded` in the bundled
  scenario: up to the top of the band as soon as candidates are there; `even`: the target
  spread over the year's lettings), or `--pacing` on the command line. Vacancies of the same day are announced together, so the
  municipality furthest behind goes first (`order_by_lag`). Ranking: the scenario's weights
  for `adaptive` (the domain's defaults unless tuned).
- `static-quota`: today's contingent practice. Each municipality labels a fixed yearly number
  (its fair-share target T) spread evenly over its expected lettings E: the n-th vacancy of the
  year is labelled when floor(n*T/E) > floor((n-1)*T/E), until T are labelled. A labelled
  vacancy without an eligible candidate (or over the cap) goes to a regular seeker and the slot
  is lost: there is no catching up. The other vacancies are reported to the Allocator as
  regular lettings.
- `fifo`: no fair share. Every vacancy is labelled while an eligible candidate exists, and goes
  to the longest-waiting one (ranking weights: waiting only). The hard constraints and the cap
  still hold: the Allocator receives an agreement whose targets never bind (target 10^9), so
  only the cap, the eligibility rules and the supply of candidates stop it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from services.allocation.domain import Agreement, AllocationPolicy, MunicipalityTarget, Pacing

from .scenario import POLICIES, ScenarioError
from .world import World

UNLIMITED = 10**9


@dataclass(frozen=True)
class PolicySetup:
    name: str
    allocation: AllocationPolicy
    agreement: Agreement  # what the Allocator steers by (not always the real targets)
    batch: bool  # announce a day's vacancies together, furthest behind first
    quota_slots: frozenset[str] | None = None  # static-quota: the only vacancies labelled


def setup(name: str, world: World, pacing: Pacing | None = None) -> PolicySetup:
    """`pacing` overrides the scenario's pacing of `adaptive` (the others do not pace)."""
    if name not in POLICIES:
        raise ScenarioError(f"unknown policy {name!r}; one of {', '.join(POLICIES)}")
    allocation = world.scenario.policy(name)
    if name == "adaptive":
        if pacing is not None:
            allocation = replace(allocation, pacing=pacing)
        return PolicySetup(name, allocation, horizon_agreement(world), batch=True)
    unbounded = _unbounded(world.agreement())
    if name == "fifo":
        return PolicySetup(name, allocation, unbounded, batch=False)
    return PolicySetup(name, allocation, unbounded, batch=False,
                       quota_slots=quota_slots(world))


def horizon_agreement(world: World) -> Agreement:
    """The year's agreement, or for a shorter horizon (`--days`) its share of it: targets
    rounded down and expected lettings pro rata, so that a front-loaded controller aims at the
    horizon's band and not at the whole year's (an even pace is the same either way)."""
    agreement = world.agreement()
    fraction = world.horizon_fraction
    if fraction >= 1:
        return agreement
    targets = tuple(replace(t, target=math.floor(t.target * fraction + 1e-9),
                            expected_lettings=t.expected_lettings * fraction)
                    for t in agreement.targets)
    return replace(agreement, targets=targets)


def quota_slots(world: World) -> frozenset[str]:
    """The vacancies a static yearly quota labels: T per municipality, evenly over E."""
    targets = {m.municipality: m.target for m in world.fair_share.municipalities}
    expected = world.expected_lettings()
    seen: dict[str, int] = {}
    labelled: dict[str, int] = {}
    slots = set()
    for facts in world.vacancies:  # in order of announcement
        code = facts.vacancy.municipality
        n = seen[code] = seen.get(code, 0) + 1
        target, lettings = targets.get(code, 0), expected.get(code, 0.0)
        if target <= 0 or lettings <= 0 or labelled.get(code, 0) >= target:
            continue
        if math.floor(n * target / lettings) > math.floor((n - 1) * target / lettings):
            slots.add(facts.vacancy.id)
            labelled[code] = labelled.get(code, 0) + 1
    return frozenset(slots)


def _unbounded(agreement: Agreement) -> Agreement:
    targets = tuple(MunicipalityTarget(t.municipality, UNLIMITED, 1.0)
                    for t in agreement.targets)
    return Agreement(agreement.scope, agreement.period, agreement.urgent_share,
                     agreement.cap_share, agreement.categories, targets, agreement.version)
