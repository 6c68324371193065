"""Issue 12 through the real broker: a municipality revokes an urgency over intake's HTTP API
and, within seconds, allocation withdraws the candidate's open proposal on
allocation.proposals.v1 and offers the vacancy to the next candidate; an accepted proposal
cancelled over allocation's HTTP API frees the vacancy for the next candidate too.

Intake runs as its app (its outbox relay publishes to the session's broker); allocation runs
as real worker processes with their own consumer group."""

from __future__ import annotations

import time
import uuid

import pytest
from allocation_it import eventually, live_scenario, processed, publish, vacancy_event
from kafka_helpers import consume_all

from services.intake.domain.bsn import fake_bsn
from shared.contracts import events as ev
from shared.contracts.periods import Period
from shared.contracts.topics import CANDIDATES, PROPOSALS
from shared.contracts.vocabulary import TargetGroup

pytestmark = pytest.mark.kafka

# Each test grants a category no other integration test grants: the workers read the
# candidates topic from offset 0, so a category shared with an earlier test would let that
# test's candidates (longer waiting, ranked first) take the vacancy.


@pytest.fixture
def category() -> TargetGroup:
    return TargetGroup.DETENTIE


def proposals_of(bootstrap, vacancy_id):
    """Our vacancy's events on allocation.proposals.v1, once per CloudEvents id."""
    seen = {}
    for m in consume_all(bootstrap, PROPOSALS.name, timeout=20):
        if m.event is not None and getattr(m.event, "vacancy_id", None) == vacancy_id:
            seen.setdefault(m.received.id, m.event)
    return list(seen.values())


def register_urgent(intake, provider, municipality, category: TargetGroup) -> str:
    body = {"bsn": fake_bsn(), "name": "Test Persoon", "birthYear": 1980, "householdSize": 1,
            # above the passend limit: the scenario's rent is above the passend cap
            "yearlyIncome": 45000, "targetGroup": category.value,
            "needs": {"accessibility": "geen"}, "registrationMunicipality": "GM0014"}
    created = intake.post("/v1/candidates", json=body, headers=provider)
    assert created.status_code == 201, created.text
    candidate_id = created.json()["id"]
    granted = intake.post(f"/v1/candidates/{candidate_id}/urgency-decisions",
                          json={"decision": "granted", "category": category.value},
                          headers=municipality)
    assert granted.status_code == 201, granted.text
    return candidate_id


@pytest.fixture
def platform(kafka_bootstrap, workers, service_app, scenario, tokens, category):
    """Registry facts on the broker, two urgent candidates through intake's API, the
    allocation workers caught up with all of it."""
    today = live_scenario(scenario)
    scenario.categories = (category,)
    period = Period.parse(scenario.period)
    rules = [ev.CategoryRule(category=category, validity_days=90, lapse_after_refusals=1)]
    setup_ids = publish(kafka_bootstrap, scenario.municipality(),
                        scenario.agreement(period_start=period.start, period_end=period.end,
                                           categories=rules))
    # its own consumer group: it reads allocation's lapses from the start of the topic
    intake = service_app("intake", consumer_group=f"intake-{uuid.uuid4().hex[:8]}")
    provider = tokens.issue("Lentis", "care-provider")
    gm0014 = tokens.issue("GM0014", "municipality")
    candidates = {register_urgent(intake, provider, gm0014, category) for _ in range(2)}
    eventually(lambda: not intake.app.state.runtime.relay.pending_count(), 20,
               what="intake's outbox published")
    intake_ids = [m.received.id for m in consume_all(kafka_bootstrap, CANDIDATES.name)
                  if m.key in candidates]
    assert len(intake_ids) == 4  # registered and granted, twice
    workers.start()
    workers.wait_for_members(1)
    eventually(lambda: processed(workers.database_url, setup_ids + intake_ids), 45,
               what="setup processed by allocation")
    return today, intake, provider, gm0014, candidates


def first_proposal(kafka_bootstrap, scenario):
    vacancy_id, bag_id = f"vac-{uuid.uuid4().hex[:10]}", f"{8_100_000_000_000_000 + 7}"
    publish(kafka_bootstrap, vacancy_event(scenario, vacancy_id, bag_id))
    [proposed] = eventually(lambda: [e for e in proposals_of(kafka_bootstrap, vacancy_id)
                                     if isinstance(e, ev.CandidateProposed)],
                            30, 0.5, "a CandidateProposed for the vacancy")
    return vacancy_id, proposed


def test_revoking_an_urgency_withdraws_the_open_proposal_within_seconds(
        kafka_bootstrap, platform, scenario):
    _, intake, _, gm0014, candidates = platform
    vacancy_id, proposed = first_proposal(kafka_bootstrap, scenario)
    assert proposed.candidate_id in candidates
    revoked = intake.post(f"/v1/candidates/{proposed.candidate_id}/urgency-decisions",
                          json={"decision": "revoked", "reasonCode": "no-longer-eligible",
                                "article": "art. 2.9"}, headers=gm0014)
    assert revoked.status_code == 201, revoked.text
    assert revoked.json()["reasonCode"] == "no-longer-eligible"
    started = time.monotonic()

    def withdrawn_and_next():
        events = proposals_of(kafka_bootstrap, vacancy_id)
        withdrawn = [e for e in events if isinstance(e, ev.ProposalWithdrawn)]
        offered = [e for e in events if isinstance(e, ev.CandidateProposed)]
        return (withdrawn, offered) if withdrawn and len(offered) == 2 else None

    withdrawn, offered = eventually(withdrawn_and_next, 30, 0.3,
                                    "the proposal withdrawn and the vacancy offered again")
    assert time.monotonic() - started < 30
    assert withdrawn[0].proposal_id == proposed.proposal_id
    assert withdrawn[0].reason_code == "urgency-revoked"
    # the next candidate (another test's may rank first on a shared broker), never this one
    assert offered[1].candidate_id != proposed.candidate_id


@pytest.mark.parametrize("category", [TargetGroup.MANTELZORG])
def test_cancelling_an_accepted_proposal_offers_the_vacancy_to_the_next_candidate(
        kafka_bootstrap, platform, scenario, workers, service_app, tokens):
    _, _, provider, _, candidates = platform
    vacancy_id, proposed = first_proposal(kafka_bootstrap, scenario)
    allocation = service_app("allocation", database_url=workers.database_url)
    corporation = tokens.issue(scenario.corporation, "corporation")
    url = f"/v1/proposals/{proposed.proposal_id}"
    early = allocation.post(f"{url}/cancellation", headers=corporation,
                            json={"reasonCode": "dwelling-unavailable"})
    assert early.status_code == 409, early.text  # not accepted yet
    for headers, party in ((corporation, "corporation"), (provider, "candidate")):
        answered = allocation.post(f"{url}/responses", headers=headers,
                                   json={"decision": "accepted", "decidedBy": party})
        assert answered.status_code == 200, answered.text
    outsider = tokens.issue("nijestee", "corporation")
    assert allocation.post(f"{url}/cancellation", headers=outsider,
                           json={"reasonCode": "other"}).status_code == 404
    bad = allocation.post(f"{url}/cancellation", headers=provider,
                          json={"reasonCode": "rent arrears"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")

    cancelled = allocation.post(f"{url}/cancellation", headers=provider,
                                json={"reasonCode": "care-not-arranged"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"

    def cancelled_and_next():
        events = proposals_of(kafka_bootstrap, vacancy_id)
        done = [e for e in events if isinstance(e, ev.ProposalCancelled)]
        offered = [e for e in events if isinstance(e, ev.CandidateProposed)]
        return (done, offered) if done and len(offered) == 2 else None

    done, offered = eventually(cancelled_and_next, 30, 0.3,
                               "the cancellation and the next proposal on the topic")
    assert (done[0].cancelled_by, done[0].reason_code) == ("candidate", "care-not-arranged")
    assert offered[1].candidate_id != proposed.candidate_id  # it was tried for this vacancy


@pytest.mark.parametrize("category", [TargetGroup.VROUWENOPVANG])
def test_a_refusal_without_valid_reason_lapses_the_urgency_in_allocation_and_intake(
        kafka_bootstrap, platform, scenario, workers, service_app):
    """The agreement lapses this category's urgency after one refusal: the care provider
    declines for the candidate, allocation ends the candidacy (CandidateLapsed) and intake
    records the urgency as lapsed (UrgencyLapsed on intake.candidates.v1)."""
    _, intake, provider, _, candidates = platform
    vacancy_id, proposed = first_proposal(kafka_bootstrap, scenario)
    assert proposed.candidate_id in candidates
    allocation = service_app("allocation", database_url=workers.database_url)
    declined = allocation.post(f"/v1/proposals/{proposed.proposal_id}/responses",
                               headers=provider,
                               json={"decision": "declined", "decidedBy": "candidate",
                                     "reasonCode": "refused-without-valid-reason"})
    assert declined.status_code == 200, declined.text

    def lapsed_on_proposals():  # once per CloudEvents id: two relays may both publish it
        return list({m.received.id: m.event
                     for m in consume_all(kafka_bootstrap, PROPOSALS.name, timeout=20)
                     if isinstance(m.event, ev.CandidateLapsed)
                     and m.event.candidate_id == proposed.candidate_id}.values())

    [lapse] = eventually(lapsed_on_proposals, 30, 0.3, "a CandidateLapsed")
    assert (lapse.reason_code, lapse.count, lapse.municipality) == ("refusals", 1, "GM0014")
    seen = []

    def urgency_status():
        response = intake.get(f"/v1/candidates/{proposed.candidate_id}", headers=provider)
        seen.append((response.status_code, response.text[:300]))
        return response.status_code == 200 and response.json()["urgency"]["status"]

    assert eventually(lambda: urgency_status() == "lapsed", 30, 0.3,
                      "intake records the lapse"), seen[-1]
    assert all(status == 200 for status, _ in seen), seen
    eventually(lambda: [m for m in consume_all(kafka_bootstrap, CANDIDATES.name)
                        if m.key == proposed.candidate_id
                        and isinstance(m.event, ev.UrgencyLapsed)], 30, 0.5,
               "UrgencyLapsed on intake.candidates.v1")
