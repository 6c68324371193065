"""The year demo's world and setup, without I/O: a shortened run is the year's world cut
short, the imported stock gives the registry the scenario's targets, and a decline carries
a code of the shared list."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from services.registry.domain.fairshare import MunicipalityInput, compute_targets
from shared.contracts.decline_reasons import decline_reasons
from tools.year_parties import answer_body, candidate_body
from tools.year_setup import agreement_body, stock_rows
from tools.year_world import first_days, whole_year

WHOLE = whole_year(2026, 1)


def test_a_shortened_world_is_the_first_days_of_the_whole_year():
    short = first_days(WHOLE, 30)

    assert short.days == 30 and short.end == date(2026, 1, 31)
    assert short.vacancies == [f for f in WHOLE.vacancies if f.announced_on < short.end]
    assert short.arrivals == [a for a in WHOLE.arrivals if a.granted_on < short.end]
    assert 0 < len(short.vacancies) < len(WHOLE.vacancies)
    some = short.arrivals[0].candidate.id, short.vacancies[0].vacancy.id
    assert short.outcome(*some) == WHOLE.outcome(*some)  # the parties answer alike
    assert short.targets()["GM0014"] == pytest.approx(WHOLE.targets()["GM0014"] * 30 / 365)


def test_the_imported_stock_gives_the_registry_the_scenarios_targets():
    rows = stock_rows(WHOLE)
    counts = Counter(row[1] for corporation_rows in rows.values() for row in corporation_rows)
    body = agreement_body(WHOLE)
    scenario = WHOLE.scenario
    # what the registry computes from its stock counts, the population and the terms
    registry = compute_targets(
        [MunicipalityInput(m.code, m.population, counts[m.code]) for m in scenario.municipalities],
        body["keyWeights"], body["urgentShare"], expected_lettings=body["expectedLettings"],
        cap_share=body["capShare"])

    expected = {m.municipality: m.target for m in scenario.fair_share().municipalities}
    assert {m.municipality: m.target for m in registry.municipalities} == expected
    bags = [row[0] for corporation_rows in rows.values() for row in corporation_rows]
    assert len(bags) == len(set(bags))  # one corporation per dwelling


def test_every_decline_of_the_world_has_a_code_the_platform_knows():
    reasons = decline_reasons()
    for code in WHOLE.scenario.behaviour.decline_reasons:
        body = answer_body("candidate", "declined", date(2026, 3, 1), code)
        assert body["reasonCode"] in reasons.codes_for("candidate")
    body = answer_body("corporation", "declined", date(2026, 3, 1), "corporation-screening")
    assert body == {"decision": "declined", "decidedBy": "corporation", "on": "2026-03-01",
                    "reasonCode": "corporation-screening"}
    assert body["reasonCode"] in reasons.codes_for("corporation")
    assert "reasonCode" not in answer_body("candidate", "accepted", date(2026, 3, 1), None)


def test_a_candidate_is_registered_on_the_day_the_world_grants_the_urgency():
    for arrival in WHOLE.arrivals:
        body = candidate_body(arrival.candidate, WHOLE.seed)
        assert body["registeredOn"] == arrival.granted_on.isoformat()
    dates = [a.granted_on for a in WHOLE.arrivals]
    # spread over the year (not all on the day of the demo), never more than two years
    # back, as intake accepts
    assert len({d.month for d in dates if d.year == 2026}) == 12
    assert min(dates) >= date(2026, 12, 31) - timedelta(days=731)
