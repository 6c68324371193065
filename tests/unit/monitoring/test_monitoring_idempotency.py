"""Idempotency per event id, rebuild equality, at-least-once redelivery, bad input."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.monitoring.domain import (
    MalformedEvent,
    MonitoringModel,
    UnknownEventType,
    UnsupportedVersion,
    event_name,
)

def build(events) -> MonitoringModel:
    model = MonitoringModel()
    for event in events:
        model.apply(event["type"], event["data"], event["id"])
    return model


def answers(model: MonitoringModel) -> dict:
    """Every query's output, as plain data."""
    return {
        "realisation": model.realisation("2026").to_dict(),
        "realisation-region": model.realisation("2026", "groningen-assen").to_dict(),
        "flows": [r.to_dict() for r in model.flow_rows("2026", by_municipality=True)],
        "waits": [r.to_dict() for r in model.waiting_times("2026")],
        "funnel": [r.to_dict() for r in model.proposal_funnel("2026", by_municipality=True)],
        "stock": [r.to_dict() for r in model.stock(period="2026")],
        "stalled": model.stalled_proposals(date(2026, 6, 30), 10),
    }


def test_rebuild_from_the_same_events_gives_the_same_numbers(events):
    first, second = build(events), build(events)
    assert first.snapshot() == second.snapshot()
    assert answers(first) == answers(second)


def test_applying_every_event_twice_changes_nothing(events):
    model = build(events)
    before = (model.snapshot(), answers(model))
    for event in events:
        assert model.apply(event["type"], event["data"], event["id"]) is False
    assert (model.snapshot(), answers(model)) == before


def test_duplicate_in_the_recording_is_ignored(events):
    model = MonitoringModel()
    results = [model.apply(e["type"], e["data"], e["id"]) for e in events]
    assert results.count(False) == 1  # evt-placed-c1 delivered twice
    assert len(model.processed) == len(events) - 1


def test_same_business_event_under_a_new_id_is_not_counted_twice(events):
    model = build(events)
    before = answers(model)
    placed = next(e for e in events if e["id"] == "evt-placed-c1")
    registered = next(e for e in events if e["type"].endswith("candidate-registered.v1"))
    let = next(e for e in events if e["type"].endswith("vacancy-let.v1"))
    for i, event in enumerate((placed, registered, let)):
        assert model.apply(event["type"], event["data"], f"republished-{i}") is True
    assert answers(model) == before


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_redelivery_after_a_crash_gives_the_same_state(events, data):
    """At-least-once: a consumer that crashed after event k re-reads from an earlier offset j."""
    clean = build(events)
    k = data.draw(st.integers(0, len(events)))
    j = data.draw(st.integers(0, k))
    model = build(events[:k])
    for event in events[j:]:
        model.apply(event["type"], event["data"], event["id"])
    assert model.snapshot() == clean.snapshot()


def test_malformed_event_changes_nothing_and_names_the_field(events):
    model = build(events[:20])
    before = model.snapshot()
    placed = copy.deepcopy(next(e for e in events if e["id"] == "evt-placed-c1"))
    del placed["data"]["moveInDate"]
    with pytest.raises(MalformedEvent) as info:
        model.apply(placed["type"], placed["data"], "bad-1")
    assert info.value.field == "moveInDate"
    bad_let = copy.deepcopy(next(e for e in events if e["type"].endswith("vacancy-let.v1")))
    bad_let["data"]["tenantType"] = "vip"
    with pytest.raises(MalformedEvent) as info:
        model.apply(bad_let["type"], bad_let["data"], "bad-2")
    assert info.value.field == "tenantType"
    agreement = copy.deepcopy(next(e for e in events if "agreement" in e["type"]))
    agreement["data"]["targets"][1]["target"] = "six"
    with pytest.raises(MalformedEvent) as info:
        model.apply(agreement["type"], agreement["data"], "bad-3")
    assert info.value.field == "targets[1].target"
    assert model.snapshot() == before
    assert "bad-1" not in model.processed


def test_unknown_types_and_versions_are_rejected():
    model = MonitoringModel()
    with pytest.raises(UnknownEventType):
        model.apply("nl.woonregie.intake.candidate-teleported.v1", {}, "x1")
    with pytest.raises(UnsupportedVersion):
        model.apply("nl.woonregie.allocation.candidate-placed.v2", {}, "x2")
    with pytest.raises(MalformedEvent):
        model.apply("nl.woonregie.allocation.candidate-placed.v1", {}, "")
    assert model.processed == set()


def test_event_type_name_forms():
    assert event_name("nl.woonregie.registry.vacancy-let.v1") == "registry.vacancy-let"
    assert event_name("registry.vacancy-let") == "registry.vacancy-let"
    assert event_name("VacancyLet") == "registry.vacancy-let"
    model = MonitoringModel()
    assert model.apply("RealisationBandChanged", {}, "a")  # known, nothing to do
    assert model.snapshot()["municipalities"] == []


def test_snake_case_data_and_date_objects_are_accepted():
    model = MonitoringModel()
    model.apply("VacancyLet", {"vacancy_id": "v1", "bag_id": "0014010000000001",
                               "municipality": "GM0014", "corporation": "lefier",
                               "tenant_type": "urgent", "let_on": date(2026, 2, 1)}, "e1")
    assert model.realisation("2026", "GM0014").total.realised == 1


def test_date_times_count_on_the_amsterdam_calendar_day():
    from services.monitoring.domain.records import to_date
    assert to_date("2026-06-30T22:30:00Z") == date(2026, 7, 1)  # 00:30 in Amsterdam (CEST)
    assert to_date("2026-01-31T23:30:00+00:00") == date(2026, 2, 1)
    assert to_date("2026-03-05") == date(2026, 3, 5)
    with pytest.raises(MalformedEvent):
        to_date("5 March 2026")
