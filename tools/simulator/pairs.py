"""Every (candidate, vacancy) letting the hindsight optimiser may choose, as numpy arrays.

A pair is allowed when the optimiser could have made that letting happen under the rules the
policies obey:

- the candidate passes `rules.eligibility` for the dwelling (the same hard constraints) on the
  day of the proposal p = max(announcement, urgency granted), and the urgency is valid on p;
- both parties would accept that dwelling (the world fixes each pair's answers by the seed);
- they answer before the corporation gives up on the vacancy:
  p + answer days <= announcement + stalledLetAfterDays - 1.

Its move-in is max(available_from, p + answer days + the dwelling's move-in delay): what a
policy gets when it proposes the pair on day p; a later proposal only moves in later.

The static rules (everything but dates, parking and open proposals, which are empty for the
optimiser) read only a few fields of each side, so they are asked once per combination of
candidate profile and dwelling profile (`rules.eligibility` on real members of each), and the
answer is spread over the pairs with numpy. The chosen pairs are checked again one by one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from services.allocation.domain import Candidate, Vacancy, rules
from services.allocation.domain.limits import IncomeLimits, YearlyLimits

from .world import World, pair_outcomes


@dataclass(frozen=True)
class PairTable:
    candidate: np.ndarray  # index into world.arrivals
    vacancy: np.ndarray  # index into world.vacancies
    municipality: np.ndarray  # index into world.codes
    proposed: np.ndarray  # date ordinal of the proposal
    move_in: np.ndarray  # date ordinal of the move-in

    def __len__(self) -> int:
        return len(self.candidate)

    def take(self, index: np.ndarray) -> "PairTable":
        return PairTable(self.candidate[index], self.vacancy[index], self.municipality[index],
                         self.proposed[index], self.move_in[index])


def allowed_pairs(world: World, limits: IncomeLimits | YearlyLimits) -> tuple[PairTable, int]:
    """All allowed pairs, and how many passed the static rules and the arrival window."""
    limits = limits.for_date(world.start)  # the simulated year's limits, for the whole run
    arrivals = [a.candidate for a in world.arrivals]
    granted = np.array([c.urgency.granted_on.toordinal() for c in arrivals], dtype=np.int64)
    valid_until = np.array([c.urgency.valid_until.toordinal() for c in arrivals],
                           dtype=np.int64)
    eligible_for = _static_eligibility(world, arrivals, limits)
    window = world.scenario.behaviour.stalled_let_after_days
    c_parts, v_parts = [], []
    for j, facts in enumerate(world.vacancies):
        announced = facts.announced_on.toordinal()
        proposed = np.maximum(announced, granted)
        ok = (eligible_for[j] & (granted <= announced + window - 1)
              & (proposed <= valid_until))
        found = np.flatnonzero(ok)
        c_parts.append(found)
        v_parts.append(np.full(len(found), j, dtype=np.int64))
    candidate = np.concatenate(c_parts) if c_parts else np.zeros(0, dtype=np.int64)
    vacancy = np.concatenate(v_parts) if v_parts else np.zeros(0, dtype=np.int64)
    examined = len(candidate)

    outcomes = pair_outcomes(world, candidate, vacancy)
    announced = np.array([f.announced_on.toordinal() for f in world.vacancies],
                         dtype=np.int64)[vacancy]
    available = np.array([f.vacancy.available_from.toordinal() for f in world.vacancies],
                         dtype=np.int64)[vacancy]
    delay = np.array([f.move_in_delay_days for f in world.vacancies], dtype=np.int64)[vacancy]
    proposed = np.maximum(announced, granted[candidate])
    answered = proposed + outcomes.answer_days
    keep = outcomes.accepted & (answered <= announced + window - 1)
    move_in = np.maximum(available, answered + delay)
    table = PairTable(candidate, vacancy, world.vacancy_municipality[vacancy], proposed,
                      move_in)
    return table.take(np.flatnonzero(keep)), examined


def cheapest(table: PairTable, per_municipality: np.ndarray) -> PairTable:
    """Per (candidate, municipality m) the `per_municipality[m]` earliest move-ins (ties:
    lower vacancy index first)."""
    if len(table) == 0:
        return table
    order = np.lexsort((table.vacancy, table.move_in, table.municipality, table.candidate))
    sorted_table = table.take(order)
    group = sorted_table.candidate * (int(sorted_table.municipality.max()) + 1) \
        + sorted_table.municipality
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    rank = np.arange(len(group)) - np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    return sorted_table.take(np.flatnonzero(rank < per_municipality[sorted_table.municipality]))


def _static_eligibility(world: World, arrivals: list[Candidate], limits: IncomeLimits) -> (
    list[np.ndarray]
):
    """Per vacancy: a boolean array over the candidates, True where the static rules pass."""
    categories = frozenset(rule.category for rule in world.scenario.categories)
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, candidate in enumerate(arrivals):
        groups[candidate_key(candidate)].append(i)
    members = [np.array(indices, dtype=np.int64) for indices in groups.values()]
    representatives = [arrivals[indices[0]] for indices in groups.values()]
    by_key: dict[tuple, np.ndarray] = {}
    result = []
    for facts in world.vacancies:
        key = vacancy_key(facts.vacancy, limits)
        mask = by_key.get(key)
        if mask is None:
            mask = np.zeros(len(arrivals), dtype=bool)
            for indices, candidate in zip(members, representatives):
                if statically_eligible(world, candidate, facts.vacancy, limits, categories):
                    mask[indices] = True
            by_key[key] = mask
        result.append(mask)
    return result


def candidate_key(candidate: Candidate) -> tuple:
    """What the static hard constraints read of a candidate."""
    return (candidate.household_size, candidate.income_class, candidate.needs,
            candidate.excluded_municipalities, candidate.region_binding,
            candidate.urgency.category if candidate.urgency else None)


def vacancy_key(vacancy: Vacancy, limits: IncomeLimits) -> tuple:
    """What the static hard constraints read of a dwelling (its rent only against limits)."""
    rent = vacancy.monthly_rent
    return (vacancy.municipality, vacancy.rooms, vacancy.accessibility,
            rent > limits.rent_cap_small, rent > limits.rent_cap_large,
            rent > limits.liberalisation_limit)


def statically_eligible(world: World, candidate: Candidate, vacancy: Vacancy,
                        limits: IncomeLimits, categories) -> bool:
    """rules.eligibility on a day the urgency is valid, with nothing open or tried."""
    context = rules.EligibilityContext(
        today=candidate.urgency.granted_on, municipalities=world.refs, income_limits=limits,
        categories=categories)
    return not rules.eligibility(candidate, vacancy, context)
