"""Issue 12 in intake, over HTTP and the real broker: the validity of a grant comes from the
agreement in force (consumed from registry.agreements.v1), a decision may shorten it but not
lengthen it; extension and revocation are decisions with their own events; a lapse decided
by allocation (on allocation.proposals.v1) is recorded and published."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from intake_helpers import (
    candidate_body,
    event_types,
    intake_events,
    wait_for_relay,
    wait_until,
)
from kafka_helpers import produce

from shared.contracts import events as ev
from shared.contracts.envelope import encode
from shared.contracts.periods import today_amsterdam

pytestmark = pytest.mark.kafka

CATEGORY = "ouderen"  # no other test's agreement names it
AGREED_DAYS = 45


def publish(bootstrap: str, event: ev.Event) -> None:
    produce(bootstrap, event.TOPIC.name, event.key(),
            encode(event, source="urn:woonregie:tests:intake", event_id=str(uuid.uuid4())))


@pytest.fixture
def intake(service_app, kafka_bootstrap):
    """An agreement on the broker that gives CATEGORY 45 days in GM0014, and an intake with
    its own consumer group that has read it."""
    today = today_amsterdam()
    publish(kafka_bootstrap, ev.AgreementPublished(
        scope=f"test-{uuid.uuid4().hex[:8]}", period=str(today.year), version=1,
        period_start=date(today.year, 1, 1), period_end=date(today.year, 12, 31),
        urgent_share=0.27, cap_share=0.5, key_weights={"population": 1.0},
        expected_lettings=100,
        categories=[ev.CategoryRule(category=CATEGORY, validity_days=AGREED_DAYS)],
        municipalities=["GM0014"], targets=[]))
    app = service_app("intake", consumer_group=f"intake-it-{uuid.uuid4().hex[:8]}")
    runtime = app.app.state.runtime

    def agreed():
        with runtime.uow() as uow:
            return [a for a in uow.agreements.in_force_on(today)
                    if a.validity_days.get(CATEGORY) == AGREED_DAYS]

    wait_until(agreed, timeout=30)
    return app


@pytest.fixture
def candidate_id(intake, provider):
    created = intake.post("/v1/candidates", json=candidate_body(targetGroup=CATEGORY),
                          headers=provider)
    assert created.status_code == 201, created.text
    return created.json()["id"]


def decide(intake, headers, candidate_id, **body):
    return intake.post(f"/v1/candidates/{candidate_id}/urgency-decisions", json=body,
                       headers=headers)


def day(offset: int) -> str:
    return (today_amsterdam() + timedelta(days=offset)).isoformat()


def test_a_grant_is_valid_as_long_as_the_agreement_in_force_says(intake, municipality,
                                                                 candidate_id):
    granted = decide(intake, municipality, candidate_id, decision="granted", category=CATEGORY,
                     article="art. 2.6 lid 1")
    assert granted.status_code == 201, granted.text
    assert granted.json()["validUntil"] == day(AGREED_DAYS)
    assert granted.json()["article"] == "art. 2.6 lid 1"


def test_a_decision_may_shorten_the_validity_but_never_lengthen_it(intake, municipality,
                                                                   candidate_id):
    longer = decide(intake, municipality, candidate_id, decision="granted", category=CATEGORY,
                    validUntil=day(AGREED_DAYS + 1))
    assert longer.status_code == 422
    assert longer.headers["content-type"].startswith("application/problem+json")
    assert [p["name"] for p in longer.json()["invalidParams"]] == ["validUntil"]
    shorter = decide(intake, municipality, candidate_id, decision="granted",
                     category=CATEGORY, validUntil=day(20))
    assert shorter.status_code == 201 and shorter.json()["validUntil"] == day(20)


def test_extension_and_revocation_are_decisions_with_their_events(
        intake, provider, municipality, candidate_id, kafka_bootstrap):
    assert decide(intake, municipality, candidate_id, decision="revoked",
                  reasonCode="other").status_code == 409  # nothing granted yet
    decide(intake, municipality, candidate_id, decision="granted", category=CATEGORY,
           validUntil=day(20))
    assert decide(intake, municipality, candidate_id, decision="extended",
                  validUntil=day(AGREED_DAYS + 5)).status_code == 422
    extended = decide(intake, municipality, candidate_id, decision="extended",
                      validUntil=day(40))
    assert extended.status_code == 201, extended.text
    assert extended.json()["validUntil"] == day(40)
    missing = decide(intake, municipality, candidate_id, decision="revoked")
    assert missing.status_code == 422
    assert [p["name"] for p in missing.json()["invalidParams"]] == ["reasonCode"]
    assert decide(intake, municipality, candidate_id, decision="revoked",
                  reasonCode="huurschuld").status_code == 422  # a closed list
    revoked = decide(intake, municipality, candidate_id, decision="revoked",
                     reasonCode="situation-resolved", reason="zie dossier", article="art. 2.9")
    assert revoked.status_code == 201, revoked.text
    urgency = intake.get(f"/v1/candidates/{candidate_id}", headers=provider).json()["urgency"]
    assert urgency["status"] == "revoked"

    wait_for_relay(intake)
    messages = intake_events(kafka_bootstrap, {candidate_id})
    assert event_types(messages) == ["candidate-registered", "urgency-granted",
                                     "urgency-extended", "urgency-revoked"]
    assert messages[2].event.valid_until == today_amsterdam() + timedelta(days=40)
    revocation = messages[3].event
    assert (revocation.reason_code, revocation.article, revocation.municipality) == (
        "situation-resolved", "art. 2.9", "GM0014")
    assert b"dossier" not in messages[3].value  # the free-text reason stays in intake


def test_a_lapse_decided_by_allocation_is_recorded_and_published(
        intake, provider, municipality, candidate_id, kafka_bootstrap):
    decide(intake, municipality, candidate_id, decision="granted", category=CATEGORY)
    publish(kafka_bootstrap, ev.CandidateLapsed(
        candidate_id=candidate_id, municipality="GM0014", category=CATEGORY,
        lapsed_on=today_amsterdam(), reason_code="refusals", count=2))
    wait_until(lambda: intake.get(f"/v1/candidates/{candidate_id}", headers=provider)
               .json()["urgency"]["status"] == "lapsed", timeout=30)
    wait_for_relay(intake)
    messages = intake_events(kafka_bootstrap, {candidate_id})
    assert event_types(messages)[-1] == "urgency-lapsed"
    assert messages[-1].event.reason_code == "refusals"


def apply(intake, headers, candidate_id, **body):
    return intake.post(f"/v1/candidates/{candidate_id}/urgency-applications",
                       json={"category": CATEGORY} | body, headers=headers)


def test_an_application_with_its_grounds_is_published_without_them(
        intake, provider, municipality, other_provider, candidate_id, kafka_bootstrap):
    refs = ["zaak-2026-0142/verklaring-huisarts", "zaak-2026-0142/indicatie-BW"]
    applied = apply(intake, provider, candidate_id, documentReferences=refs)
    assert applied.status_code == 201, applied.text
    assert applied.json()["documentReferences"] == refs
    assert applied.json()["appliedOn"] == day(0)
    assert apply(intake, municipality, candidate_id).status_code == 201  # the municipality
    assert apply(intake, other_provider, candidate_id).status_code == 404  # not theirs
    bad = apply(intake, provider, candidate_id, documentReferences=[""])
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert apply(intake, provider, candidate_id,
                 documents=[{"content": "..."}]).status_code == 422  # never the documents

    wait_for_relay(intake)
    messages = intake_events(kafka_bootstrap, {candidate_id})
    assert event_types(messages) == ["candidate-registered", "urgency-applied",
                                     "urgency-applied"]
    first = messages[1]
    assert (first.event.applied_on, first.event.applied_by, first.event.category) == (
        today_amsterdam(), "Lentis", CATEGORY)
    assert b"zaak-2026" not in first.value  # references stay in intake
