"""Days from urgency application to decision, from the real broker through monitoring's
HTTP API: exact for the municipality itself and the province, suppressed for the public,
refused (403) for another municipality's detail."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from factories import sample_event
from monitoring_helpers import eventually, fresh_code, publish, short_id

from shared.contracts import events as ev
from shared.contracts.vocabulary import TargetGroup

pytestmark = pytest.mark.kafka

START = date(2026, 1, 5)


def applied(candidate: str, code: str, on: date) -> ev.UrgencyApplied:
    return sample_event(ev.UrgencyApplied, candidate_id=candidate, municipality=code,
                        category=TargetGroup.MEDISCH, applied_on=on, applied_by="wijkteam")


def decided(candidate: str, code: str, on: date, grant: bool) -> ev.Event:
    if grant:
        return sample_event(ev.UrgencyGranted, candidate_id=candidate, municipality=code,
                            category=TargetGroup.MEDISCH, granted_on=on,
                            valid_until=date(2026, 12, 31))
    return sample_event(ev.UrgencyRefused, candidate_id=candidate, municipality=code,
                        category=TargetGroup.MEDISCH, refused_on=on)


@pytest.fixture
def place(kafka_bootstrap):
    """Six applications in `home` decided after 10..60 days (one refused), published
    decision first; one still waiting since 10 June; a later event moves the clock past
    the end of 2026-H1, so the waiting days are counted on 30 June."""
    home, other = fresh_code(), fresh_code()
    people = [short_id("cand") for _ in range(7)]
    decisions = [decided(p, home, START + timedelta(days=10 * (i + 1)), grant=i != 2)
                 for i, p in enumerate(people[:6])]
    publish(kafka_bootstrap, *decisions, *(applied(p, home, START) for p in people[:6]),
            *decisions[:2],  # a replayed decision changes nothing
            applied(people[6], home, date(2026, 6, 10)),
            applied(short_id("cand"), other, date(2026, 7, 1)))
    return home, other


def report(monitoring, code, headers):
    response = monitoring.get("/v1/decision-times", headers=headers,
                              params={"period": "2026-H1", "scope": code})
    assert response.status_code == 200, response.text
    return {r["municipality"]: r for r in response.json()["rows"]}.get(code)


def test_decision_times_through_the_broker(monitoring, place, tokens, province):
    home, other = place
    own = tokens.issue(home, "municipality")
    row = eventually(lambda: (r := report(monitoring, home, own)) and r["waiting"] == 1
                     and r["decisions"] == 6 and r)
    # days 10, 20, ..., 60: median (30 + 40) / 2, p90 at rank 4.5: 50 + 0.5 * 10
    assert (row["medianDays"], row["p90Days"], row["granted"], row["refused"]) == (
        35.0, 55.0, 5, 1)
    assert row["oldestWaitingDays"] == 20
    assert report(monitoring, home, province) == row

    public = report(monitoring, home, {})
    assert (public["decisions"], public["medianDays"], public["granted"]) == (6, 35.0, 5)
    assert (public["refused"], public["waiting"], public["oldestWaitingDays"]) == (
        None, None, None)
    text = monitoring.get("/v1/decision-times.csv",
                          params={"period": "2026-H1", "scope": home}).text
    [csv_row] = [r for r in csv.DictReader(io.StringIO(text)) if r["municipality"] == home]
    assert (csv_row["decisions"], csv_row["refused"]) == ("6", "<5")

    assert monitoring.get("/v1/decision-times", headers=own,
                          params={"period": "2026-H1", "scope": other}).status_code == 403


def test_bad_period_is_a_problem(monitoring):
    response = monitoring.get("/v1/decision-times", params={"period": "2026-Q7"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
