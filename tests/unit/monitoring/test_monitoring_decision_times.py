"""Days from urgency application to decision (domain/decision_times.py), from events
applied to the model as the consumer applies them; medians worked out by hand."""

from __future__ import annotations

import itertools
import json
import random

import pytest

from services.monitoring.domain import MonitoringModel
from services.monitoring.service import reports
from services.monitoring.service.reports import Disclosure, ReportFilter
from shared.contracts.envelope import PoisonMessage, decode
from typed_events import typed

GM, OTHER = "GM0014", "GM1969"
_ids = itertools.count()


def applied(cid, on, municipality=GM):
    return ("intake.urgency-applied", dict(candidateId=cid, municipality=municipality,
                                           category="medisch", appliedOn=on,
                                           appliedBy="wijkteam"))


def granted(cid, on, municipality=GM):
    return ("intake.urgency-granted", dict(candidateId=cid, municipality=municipality,
                                           category="medisch", grantedOn=on,
                                           validUntil="2026-12-31"))


def refused(cid, on, municipality=GM):
    return ("intake.urgency-refused", dict(candidateId=cid, municipality=municipality,
                                           category="medisch", refusedOn=on))


# days to decision in GM0014: a 10, b 30 (refused), c 4, d 50; e and f still wait on 06-01
EVENTS = [applied("a", "2026-01-05"), granted("a", "2026-01-15"),
          applied("b", "2026-01-10"), refused("b", "2026-02-09"),
          applied("c", "2026-02-01"), granted("c", "2026-02-05"),
          applied("d", "2026-03-01"), granted("d", "2026-04-20"),
          applied("e", "2026-05-01"), applied("f", "2026-06-01"),
          granted("g", "2026-02-02"),  # no application known: not a decision time
          applied("x", "2026-01-01", OTHER), granted("x", "2026-01-08", OTHER)]


def build(events) -> MonitoringModel:
    model = MonitoringModel()
    for name, data in events:
        model.apply(typed(name, data), f"e-{next(_ids)}")
    return model


def rows(model, period="2026", scope=None) -> dict[str, dict]:
    return {r["municipality"]: r for r in model.decision_times(period, scope)}


def test_median_p90_and_waiting_per_municipality():
    row = rows(build(EVENTS))[GM]
    # sorted days 4, 10, 30, 50: median (10 + 30) / 2; p90 at rank 2.7: 30 + 0.7 * 20
    assert row == {"municipality": GM, "decisions": 4, "medianDays": 20.0, "p90Days": 44.0,
                   "granted": 3, "refused": 1, "waiting": 2, "oldestWaitingDays": 31}


def test_scope_filters_municipalities():
    assert set(rows(build(EVENTS))) == {GM, OTHER}
    assert set(rows(build(EVENTS), scope=OTHER)) == {OTHER}
    assert rows(build(EVENTS))[OTHER]["medianDays"] == 7.0


def test_order_and_duplicates_do_not_change_the_figures():
    expected = rows(build(EVENTS))
    shuffled = EVENTS * 2  # each event published twice, under its own id
    random.Random(7).shuffle(shuffled)
    assert rows(build(shuffled)) == expected
    assert rows(build(list(reversed(EVENTS)))) == expected


def test_a_new_application_after_a_refusal_is_timed_on_its_own():
    model = build([applied("h", "2026-01-01"), refused("h", "2026-01-21"),
                   applied("h", "2026-03-01"), granted("h", "2026-03-11")])
    row = rows(model)[GM]
    assert (row["decisions"], row["medianDays"], row["granted"], row["refused"]) == (
        2, 15.0, 1, 1)
    assert row["waiting"] == 0 and row["oldestWaitingDays"] is None


def test_decisions_count_in_the_period_of_the_decision():
    model = build([applied("i", "2025-12-20"), granted("i", "2026-01-04"),
                   applied("j", "2026-06-20"), granted("j", "2026-07-10")])
    first, second = rows(model, "2026-H1")[GM], rows(model, "2026-H2")[GM]
    assert (first["decisions"], first["medianDays"]) == (1, 15.0)
    # j applied in H1 and waited on 30 June, decided in H2
    assert (first["waiting"], first["oldestWaitingDays"]) == (1, 10)
    assert (second["decisions"], second["medianDays"], second["waiting"]) == (1, 20.0, 0)
    assert rows(model, "2025")[GM]["waiting"] == 1


@pytest.mark.parametrize("exact", [True, False])
def test_report_suppresses_small_counts_for_the_public(exact):
    model = build(EVENTS)
    document = reports.decision_times_report(model, ReportFilter("2026"),
                                             Disclosure(exact=exact)).document
    row = {r["municipality"]: r for r in document["rows"]}[GM]
    if exact:
        assert (row["decisions"], row["medianDays"], row["oldestWaitingDays"]) == (4, 20.0, 31)
    else:  # 4 decisions and 2 waiting describe few households: blanked with what derives
        assert (row["decisions"], row["medianDays"], row["p90Days"], row["waiting"],
                row["oldestWaitingDays"]) == (None, None, None, None, None)


def test_an_application_without_date_is_refused_before_it_reaches_the_model():
    """The consumer decodes first: an application without its date never gets to
    `MonitoringModel.apply`, it goes to the DLQ naming the field."""
    raw = json.dumps({"specversion": "1.0", "id": "e-bad", "source": "intake",
                      "type": "nl.woonregie.intake.urgency-applied.v1",
                      "time": "2026-03-01T10:00:00Z",
                      "data": {"candidateId": "k", "municipality": GM, "category": "medisch",
                               "appliedBy": "wijkteam"}}).encode()
    with pytest.raises(PoisonMessage, match="appliedOn"):
        decode(raw)
