"""Idempotency per event id, rebuild equality, at-least-once redelivery, bad input."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.monitoring.domain import MonitoringModel, RejectedEvent
from shared.contracts import events as ev
from shared.contracts.envelope import PoisonMessage, decode
from typed_events import apply_recorded, recorded


def build(events) -> MonitoringModel:
    model = MonitoringModel()
    for event in events:
        apply_recorded(model, event)
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
        assert apply_recorded(model, event) is False
    assert (model.snapshot(), answers(model)) == before


def test_duplicate_in_the_recording_is_ignored(events):
    model = MonitoringModel()
    results = [apply_recorded(model, e) for e in events]
    assert results.count(False) == 1  # evt-placed-c1 delivered twice
    assert len(model.processed) == len(events) - 1


def test_same_business_event_under_a_new_id_is_not_counted_twice(events):
    model = build(events)
    before = answers(model)
    placed = next(e for e in events if e["id"] == "evt-placed-c1")
    registered = next(e for e in events if e["type"].endswith("candidate-registered.v1"))
    let = next(e for e in events if e["type"].endswith("vacancy-let.v1"))
    for i, event in enumerate((placed, registered, let)):
        assert apply_recorded(model, event, f"republished-{i}") is True
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
        apply_recorded(model, event)
    assert model.snapshot() == clean.snapshot()


def _wire(envelope: dict) -> bytes:
    """A recorded event as its consumer reads it from the topic."""
    return json.dumps({"specversion": "1.0", **envelope}).encode()


def test_data_the_contract_refuses_never_reaches_the_model_and_the_reason_names_the_field(
        events):
    placed = copy.deepcopy(next(e for e in events if e["id"] == "evt-placed-c1"))
    del placed["data"]["moveInDate"]
    bad_let = copy.deepcopy(next(e for e in events if e["type"].endswith("vacancy-let.v1")))
    bad_let["data"]["tenantType"] = "vip"
    agreement = copy.deepcopy(next(e for e in events if "agreement" in e["type"]))
    agreement["data"]["targets"][1]["target"] = "six"
    for bad, field in ((placed, "moveInDate"), (bad_let, "tenantType"),
                       (agreement, "targets.1.target")):
        with pytest.raises(PoisonMessage) as info:
            decode(_wire(bad))
        assert f"{field}:" in info.value.reason


def test_an_event_the_domain_rejects_changes_nothing_and_names_the_field(events):
    model = build(events[:20])
    before = model.snapshot()
    agreement = recorded(next(e for e in events if "agreement" in e["type"]))
    backwards = agreement.model_copy(update={"period_start": date(2026, 12, 31),
                                             "period_end": date(2026, 1, 1),
                                             "version": 9})
    with pytest.raises(RejectedEvent) as info:
        model.apply(backwards, "bad-1")
    assert info.value.field == "periodEnd"
    assert model.snapshot() == before
    assert "bad-1" not in model.processed


def test_unknown_types_and_versions_are_refused_by_decode_and_an_id_is_needed(events):
    placed = next(e for e in events if e["id"] == "evt-placed-c1")
    teleported = {**placed, "type": "nl.woonregie.intake.candidate-teleported.v1"}
    with pytest.raises(PoisonMessage, match="unknown event type"):
        decode(_wire(teleported))
    with pytest.raises(PoisonMessage, match="unsupported major version v2"):
        decode(_wire({**placed, "type": "nl.woonregie.allocation.candidate-placed.v2"}))
    model = MonitoringModel()
    with pytest.raises(RejectedEvent) as info:
        model.apply(recorded(placed), "")
    assert info.value.field == "id"
    assert model.processed == set()


def test_an_event_type_monitoring_does_not_read_is_recorded_and_changes_nothing():
    model = MonitoringModel()
    before = model.snapshot()
    stalled = ev.ProposalStalled(scope="province", proposal_id="p1", vacancy_id="v1",
                                 municipality="GM0014", open_days=40)
    assert model.apply(stalled, "a") is True
    assert model.apply(stalled, "a") is False
    assert {k: v for k, v in model.snapshot().items() if k != "processed"} == \
        {k: v for k, v in before.items() if k != "processed"}
    assert model.processed == {"a"}


def test_an_event_built_in_python_is_applied_as_a_decoded_one():
    model = MonitoringModel()
    model.apply(ev.VacancyLet(vacancy_id="v1", bag_id="0014010000000001",
                              municipality="GM0014", corporation="lefier",
                              tenant_type="urgent", let_on=date(2026, 2, 1)), "e1")
    assert model.realisation("2026", "GM0014").total.realised == 1


def test_an_announcement_counts_on_its_amsterdam_calendar_day():
    late_evening_utc = datetime(2026, 6, 30, 22, 30, tzinfo=timezone.utc)  # 00:30 CEST
    model = MonitoringModel()
    model.apply(ev.VacancyAnnounced(
        vacancy_id="v1", available_from=date(2026, 7, 15), announced_at=late_evening_utc,
        dwelling=ev.DwellingFacts(bag_id="0014010000000001", municipality="GM0014",
                                  corporation="lefier", rooms=2, monthly_rent=600.0,
                                  accessibility="geen")), "e1")
    assert model.vacancies["v1"].announced_on == date(2026, 7, 1)
    assert model.clock == date(2026, 7, 1)
