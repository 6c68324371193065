"""Small worlds for the simulator's tests: the Groningen scenario over a short horizon, and a
hand-made instance whose optimum is worked out by hand."""

from __future__ import annotations

import json
from datetime import date, timedelta

from services.allocation.domain import Candidate, Needs, Urgency, Vacancy
from services.registry.domain import default_reference_data
from shared.contracts.vocabulary import Accessibility, IncomeClass, TargetGroup
from tools.simulator import World, load_scenario
from tools.simulator.scenario import SCENARIO_DIR, parse_scenario
from tools.simulator.world import Arrival, VacancyFacts

SHORT_DAYS = 45
PEKELA = "GM0765"
JAN = date(2026, 1, 1)


def short_world(seed: int = 7, days: int = SHORT_DAYS) -> World:
    return World(load_scenario("groningen"), 2026, seed, days)


def tiny_scenario():
    """Pekela alone; every proposal is accepted after 2 days; a vacancy waits 5 days for an
    accepted proposal; the band is exact (tolerance 0); the cap does not bind."""
    raw = json.loads((SCENARIO_DIR / "groningen.json").read_text())
    raw["scope"] = PEKELA
    raw["agreement"]["capShare"] = 1.0
    raw["behaviour"].update({
        "candidateResponseDays": [2, 2], "corporationResponseDays": [2, 2],
        "declineProbability": {"preferred": 0.0, "indifferent": 0.0, "notPreferred": 0.0},
        "corporationDeclineProbability": 0.0, "noResponseProbability": 0.0,
        "stalledLetAfterDays": 5})
    raw["evaluation"].update({"bandTolerance": 0.0, "unhousedPenaltyDays": 10})
    return parse_scenario(raw, default_reference_data())


def _vacancy(id_: str, announced: date, rooms: int) -> VacancyFacts:
    vacancy = Vacancy(id=id_, bag_id="0765010000000001", municipality=PEKELA,
                      corporation="woonborg", rooms=rooms, monthly_rent=600.0,
                      accessibility=Accessibility.GEEN, available_from=announced)
    return VacancyFacts(vacancy, announced, move_in_delay_days=0)


def _arrival(id_: str, granted: date, household: int) -> Arrival:
    urgency = Urgency(TargetGroup.MEDISCH, granted, granted + timedelta(days=364), PEKELA)
    return Arrival(Candidate(id=id_, household_size=household, income_class=IncomeClass.PASSEND,
                             target_group=TargetGroup.MEDISCH, registration_municipality=PEKELA,
                             registered_by=PEKELA, needs=Needs(), urgency=urgency))


def tiny_world() -> World:
    """Three dwellings, three candidates, a target of exactly 2 lettings in January.

    v1 (2 rooms, 1 Jan), v2 (3 rooms, 10 Jan), v3 (2 rooms, 20 Jan); keys 2 days after the
    proposal. c1 (single, waiting since 30 Dec) fits all three; c2 (household of 3, granted
    5 Jan) fits only v2; c3 (single, granted 15 Jan) is too late for v1 and v2 (a vacancy
    waits 5 days) and fits v3. Horizon end 31 Jan, penalty 10: unhoused costs c1 40, c2 36,
    c3 26. Placements: c1-v1 2, c2-v2 7, c3-v3 7, c1-v2 11, c1-v3 21 days.
    With exactly 2 lettings: {c1-v1, c2-v2} = 2 + 7 + 26 = 35 is the optimum
    ({c1-v1, c3-v3} = 45, {c2-v2, c3-v3} = 54, anything with c1-v2 or c1-v3 is dearer).
    """
    vacancies = [_vacancy("v1", JAN, 2), _vacancy("v2", JAN + timedelta(days=9), 3),
                 _vacancy("v3", JAN + timedelta(days=19), 2)]
    arrivals = [_arrival("c1", JAN - timedelta(days=2), 1),
                _arrival("c2", JAN + timedelta(days=4), 3),
                _arrival("c3", JAN + timedelta(days=14), 1)]
    return World.hand_made(tiny_scenario(), 2026, 1, 30, vacancies, arrivals, {PEKELA: 2.0})
