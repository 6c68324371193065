"""Passend toewijzen against the limits of the proposal's year (shared/contracts/yearly_limits.json):
the same household and the same rent give another verdict in 2024 than in 2025. Driven as
the worker receives its input (CloudEvents bytes through the consumer's processor) and read
through the API."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

pytestmark = pytest.mark.kafka  # service_app runs the outbox relay against the test broker

# above the 2024 cap for 1-2 persons (EUR 650.43), within the 2025 cap (EUR 682.96)
BORDERLINE_RENT = 670.00
LOW_RENT = 640.00  # within both: proves the year's scenario proposes at all


def proposed_vacancies(year: int, service_app, seeded, scenario, corporation) -> list[str]:
    """One passend single-person candidate; the borderline dwelling is announced first,
    then the cheap one. Which of them got the candidate?"""
    scenario.period, scenario.target, scenario.cap_share = str(year), 10, 1.0
    seeded.today.append(date(year, 3, 2))
    seeded.feed(scenario.municipality(), scenario.agreement(), scenario.candidate("c-1"),
                scenario.urgency("c-1", granted_on=date(year, 1, 5)),
                scenario.vacancy("v-borderline", bag_id="0014010011060001",
                                 announced_at=datetime(year, 3, 2, 9, tzinfo=timezone.utc),
                                 monthly_rent=BORDERLINE_RENT),
                scenario.vacancy("v-low", bag_id="0014010011060002",
                                 announced_at=datetime(year, 3, 2, 10, tzinfo=timezone.utc),
                                 monthly_rent=LOW_RENT))
    api = service_app("allocation", database_url=seeded.runtime.settings.database_url)
    response = api.get("/v1/proposals", headers=corporation)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert all(p["proposedOn"] == f"{year}-03-02" for p in items)
    return [p["vacancyId"] for p in items]


def test_a_borderline_rent_is_above_the_cap_in_2024(service_app, seeded, scenario,
                                                    corporation):
    assert proposed_vacancies(2024, service_app, seeded, scenario, corporation) == ["v-low"]


def test_the_same_rent_is_within_the_cap_in_2025(service_app, seeded, scenario, corporation):
    assert proposed_vacancies(2025, service_app, seeded, scenario, corporation) == [
        "v-borderline"]
