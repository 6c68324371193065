"""Urgency decisions by the municipality, and their expiry (exactly once)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from intake_helpers import (
    candidate_body,
    event_types,
    intake_events,
    wait_for_relay,
    wait_until,
)
from sqlalchemy import update

from services.intake.adapters.tables import CandidateRow
from services.intake.service.commands import ExpireUrgencies
from shared.contracts.periods import today_amsterdam

pytestmark = pytest.mark.kafka


@pytest.fixture
def candidate(intake, provider):
    return intake.post("/v1/candidates", json=candidate_body(), headers=provider).json()


def decide(client, headers, candidate_id, **body):
    return client.post(f"/v1/candidates/{candidate_id}/urgency-decisions",
                       json={"decision": "granted", "category": "beschermd-wonen"} | body,
                       headers=headers)


# Intake takes the validity from the agreement in force (issue 12); other tests publish
# agreements naming beschermd-wonen on the shared broker, none names this category.
NO_AGREEMENT_CATEGORY = "statushouder"


def test_grant_defaults_to_the_configured_validity(intake, provider, municipality, candidate,
                                                   kafka_bootstrap):
    response = decide(intake, municipality, candidate["id"], reason="uitstroom BW, zie dossier",
                      category=NO_AGREEMENT_CATEGORY)

    assert response.status_code == 201, response.text
    decision = response.json()
    today = today_amsterdam()
    assert decision["decision"] == "granted"
    assert decision["municipality"] == "GM0014"
    assert decision["decidedOn"] == today.isoformat()
    assert decision["validUntil"] == (today + timedelta(days=90)).isoformat()
    urgency = intake.get(f"/v1/candidates/{candidate['id']}", headers=provider).json()["urgency"]
    assert urgency["status"] == "granted"
    wait_for_relay(intake)
    messages = intake_events(kafka_bootstrap, {candidate["id"]})
    assert event_types(messages) == ["candidate-registered", "urgency-granted"]
    granted = messages[1].event
    assert granted.valid_until == today + timedelta(days=90)
    assert granted.category == NO_AGREEMENT_CATEGORY
    assert b"dossier" not in messages[1].value  # the reason stays in intake


def test_the_validity_setting_is_used(service_app, provider, municipality):
    intake = service_app("intake", default_urgency_validity_days=30)
    candidate = intake.post("/v1/candidates", json=candidate_body(), headers=provider).json()
    decision = decide(intake, municipality, candidate["id"],
                      category=NO_AGREEMENT_CATEGORY).json()
    assert decision["validUntil"] == (today_amsterdam() + timedelta(days=30)).isoformat()


def test_refusal_and_explicit_validity(intake, municipality, candidate, kafka_bootstrap):
    until = (today_amsterdam() + timedelta(days=10)).isoformat()
    granted = decide(intake, municipality, candidate["id"], validUntil=until)
    assert granted.json()["validUntil"] == until
    refused = decide(intake, municipality, candidate["id"], decision="refused",
                     category="medisch")
    assert refused.status_code == 201
    assert refused.json()["validUntil"] is None
    wait_for_relay(intake)
    assert event_types(intake_events(kafka_bootstrap, {candidate["id"]})) == [
        "candidate-registered", "urgency-granted", "urgency-refused"]


@pytest.mark.parametrize("body, field", [
    ({"decision": "maybe"}, "decision"),
    ({"category": "studenten"}, "category"),
    ({"validUntil": "2020-01-01"}, "validUntil"),
    ({"validUntil": "2099-01-01"}, "validUntil"),
    ({"decision": "refused", "validUntil": "2030-01-01"}, "validUntil"),
    ({"grantedBy": "wethouder"}, "grantedBy"),
])
def test_bad_decisions_are_refused(intake, municipality, candidate, body, field):
    response = decide(intake, municipality, candidate["id"], **body)
    assert response.status_code == 422
    assert field in [p["name"] for p in response.json()["invalidParams"]]


def test_only_the_registration_municipality_decides(intake, provider, other_municipality,
                                                    candidate):
    foreign = decide(intake, other_municipality, candidate["id"])
    unknown = decide(intake, other_municipality, "no-such-candidate")
    assert foreign.status_code == unknown.status_code == 404
    assert intake.get(f"/v1/candidates/{candidate['id']}",
                      headers=provider).json()["urgency"] is None


@pytest.mark.parametrize("role", ["provider", "care_office", "corporation"])
def test_other_roles_cannot_decide(intake, candidate, request, role):
    assert decide(intake, request.getfixturevalue(role), candidate["id"]).status_code == 403


def test_no_decision_on_a_withdrawn_candidate(intake, provider, municipality, candidate):
    intake.post(f"/v1/candidates/{candidate['id']}/withdrawal", headers=provider)
    assert decide(intake, municipality, candidate["id"]).status_code == 409


def test_expiry_runs_once_the_last_valid_day_has_passed(intake, provider, municipality,
                                                        candidate, kafka_bootstrap):
    until = today_amsterdam() + timedelta(days=5)
    decide(intake, municipality, candidate["id"], validUntil=until.isoformat())
    bus = intake.app.state.runtime.bus

    assert bus.handle(ExpireUrgencies(today=until)).body["expired"] == []  # still valid
    day_after = until + timedelta(days=1)
    assert bus.handle(ExpireUrgencies(today=day_after)).body["expired"] == [candidate["id"]]
    assert bus.handle(ExpireUrgencies(today=day_after)).body["expired"] == []  # exactly once

    urgency = intake.get(f"/v1/candidates/{candidate['id']}", headers=provider).json()["urgency"]
    assert urgency["status"] == "expired"
    assert urgency["expiredOn"] == day_after.isoformat()
    wait_for_relay(intake)
    messages = intake_events(kafka_bootstrap, {candidate["id"]})
    assert event_types(messages) == ["candidate-registered", "urgency-granted",
                                     "urgency-expired"]
    assert messages[-1].event.expired_on == day_after
    assert messages[-1].event.municipality == "GM0014"


def test_refused_and_withdrawn_urgencies_do_not_expire(intake, provider, municipality):
    refused = intake.post("/v1/candidates", json=candidate_body(), headers=provider).json()
    decide(intake, municipality, refused["id"], decision="refused")
    withdrawn = intake.post("/v1/candidates", json=candidate_body(), headers=provider).json()
    decide(intake, municipality, withdrawn["id"])
    intake.post(f"/v1/candidates/{withdrawn['id']}/withdrawal", headers=provider)
    bus = intake.app.state.runtime.bus
    far = ExpireUrgencies(today=date.today() + timedelta(days=400))
    assert bus.handle(far).body["expired"] == []


def test_the_background_scheduler_expires_lapsed_urgencies(service_app, provider, municipality,
                                                           kafka_bootstrap):
    intake = service_app("intake", expiry_check_seconds=0.2)
    candidate = intake.post("/v1/candidates", json=candidate_body(), headers=provider).json()
    decide(intake, municipality, candidate["id"])
    # time passes: the last valid day was yesterday
    runtime = intake.app.state.runtime
    with runtime.uow() as uow:
        uow.session.execute(update(CandidateRow).where(CandidateRow.id == candidate["id"])
                            .values(urgency_valid_until=today_amsterdam() - timedelta(days=1)))
        uow.commit()

    wait_until(lambda: intake.get(f"/v1/candidates/{candidate['id']}", headers=provider)
               .json()["urgency"]["status"] == "expired")
    wait_for_relay(intake)
    messages = intake_events(kafka_bootstrap, {candidate["id"]})
    assert event_types(messages).count("urgency-expired") == 1


def test_a_decision_recorded_afterwards_carries_its_own_date(intake, municipality, candidate,
                                                             kafka_bootstrap):
    decided_on = today_amsterdam() - timedelta(days=200)
    response = decide(intake, municipality, candidate["id"], decidedOn=decided_on.isoformat())

    assert response.status_code == 201, response.text
    assert response.json()["decidedOn"] == decided_on.isoformat()
    assert response.json()["validUntil"] == (decided_on + timedelta(days=90)).isoformat()
    wait_for_relay(intake)
    [granted] = [m.received.event for m in intake_events(kafka_bootstrap, {candidate["id"]})
                 if type(m.received.event).__name__ == "UrgencyGranted"]
    assert granted.granted_on == decided_on


@pytest.mark.parametrize("days", [-1, 732])
def test_a_decision_date_in_the_future_or_long_ago_is_refused(intake, municipality, candidate,
                                                              days):
    decided_on = today_amsterdam() - timedelta(days=days)
    response = decide(intake, municipality, candidate["id"], decidedOn=decided_on.isoformat())
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "decidedOn" in [p["name"] for p in response.json()["invalidParams"]]


def test_an_expiry_noticed_late_carries_the_day_after_the_last_valid_day(
        intake, provider, municipality, candidate, kafka_bootstrap):
    until = today_amsterdam() + timedelta(days=5)
    decide(intake, municipality, candidate["id"], validUntil=until.isoformat())
    bus = intake.app.state.runtime.extras["bus"]

    noticed = until + timedelta(days=30)  # the check runs weeks late
    assert bus.handle(ExpireUrgencies(today=noticed)).body["expired"] == [candidate["id"]]

    day_after = (until + timedelta(days=1)).isoformat()
    urgency = intake.get(f"/v1/candidates/{candidate['id']}", headers=provider).json()["urgency"]
    assert urgency["expiredOn"] == day_after
    wait_for_relay(intake)
    messages = intake_events(kafka_bootstrap, {candidate["id"]})
    assert messages[-1].event.expired_on.isoformat() == day_after  # monitoring dates it so
