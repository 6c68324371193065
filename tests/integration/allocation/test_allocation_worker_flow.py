"""From vacancy to placement through the real broker: the Faust worker as a process, the API
on the same database, the outbox relays publishing to allocation's topics."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from allocation_it import eventually, processed, publish
from kafka_helpers import consume_all, produce

from shared import events as ev
from shared.periods import today_amsterdam
from shared.topics import CANDIDATES, PLACEMENTS, PROPOSALS
from shared.vocabulary import IncomeClass, TargetGroup

pytestmark = pytest.mark.kafka


def current_half_year(today) -> str:
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def live_scenario(scenario):
    """Today's dates, and a claim no other test's candidate can match: a half-year agreement
    (it outranks yearly ones) with a fresh version, one rare category, a rent above the
    passend cap, and an urgency waiting long enough to top any ranking."""
    today = today_amsterdam()
    scenario.period = current_half_year(today)
    scenario.version = int(datetime.now(timezone.utc).timestamp())
    scenario.categories = (TargetGroup.DAKLOOS_GEZIN,)
    scenario.region = f"regio-{scenario.code}"
    return today


def setup_events(scenario, today, candidate_id):
    start = datetime.strptime(scenario.period[:4], "%Y").date()
    half = scenario.period.endswith("H2")
    period_start = start.replace(month=7 if half else 1)
    period_end = start.replace(month=12, day=31) if half else start.replace(month=6, day=30)
    agreement = scenario.agreement(period_start=period_start, period_end=period_end)
    registered = scenario.candidate(candidate_id, income_class=IncomeClass.DAEB)
    urgency = ev.UrgencyGranted(candidate_id=candidate_id, municipality=scenario.code,
                                category=TargetGroup.DAKLOOS_GEZIN,
                                granted_on=today - timedelta(days=300),
                                valid_until=today + timedelta(days=60))
    return [scenario.municipality(), agreement, registered, urgency]


def vacancy_event(scenario, vacancy_id, bag_id):
    return scenario.vacancy(vacancy_id, bag_id=bag_id, monthly_rent=850.0,
                            announced_at=datetime.now(timezone.utc))


def mine(topic, bootstrap, predicate):
    return [m for m in consume_all(bootstrap, topic, timeout=20)
            if m.event is not None and predicate(m.event)]


def test_vacancy_to_proposal_to_answers_to_move_in_to_placement(
        kafka_bootstrap, workers, service_app, scenario, corporation, care_provider):
    today = live_scenario(scenario)
    candidate_id = f"cand-{uuid.uuid4().hex[:10]}"
    vacancy_id, bag_id = f"vac-{uuid.uuid4().hex[:10]}", f"{8_000_000_000_000_000 + 1}"

    workers.start()
    workers.wait_for_members(1)
    setup_ids = publish(kafka_bootstrap, *setup_events(scenario, today, candidate_id))
    # the candidate must be known before the vacancy is decided (separate topics: no order)
    eventually(lambda: processed(workers.database_url, setup_ids), 30, what="setup processed")
    publish(kafka_bootstrap, vacancy_event(scenario, vacancy_id, bag_id))

    [proposed] = eventually(lambda: mine(
        PROPOSALS.name, kafka_bootstrap,
        lambda e: isinstance(e, ev.CandidateProposed) and e.vacancy_id == vacancy_id),
        30, 0.5, "a CandidateProposed for the vacancy")
    proposal = proposed.event
    assert proposed.key == vacancy_id
    assert (proposal.candidate_id, proposal.municipality, proposal.corporation) == (
        candidate_id, scenario.code, scenario.corporation)
    assert proposal.proposed_on == today
    assert proposal.explanation.ranked[0].candidate_id == candidate_id

    api = service_app("allocation", database_url=workers.database_url)
    listed = api.get("/v1/proposals", params={"status": "open"}, headers=corporation).json()
    assert [p["id"] for p in listed["items"]] == [proposal.proposal_id]
    for headers, party in ((corporation, "corporation"), (care_provider, "candidate")):
        answered = api.post(f"/v1/proposals/{proposal.proposal_id}/responses", headers=headers,
                            json={"decision": "accepted", "decidedBy": party})
        assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "accepted"
    moved = api.post(f"/v1/proposals/{proposal.proposal_id}/move-in", headers=corporation,
                     json={"date": (today + timedelta(days=7)).isoformat()})
    assert moved.status_code == 201, moved.text

    [placed] = eventually(lambda: mine(
        PLACEMENTS.name, kafka_bootstrap,
        lambda e: isinstance(e, ev.CandidatePlaced) and e.proposal_id == proposal.proposal_id),
        30, 0.5, "a CandidatePlaced for the proposal")
    assert placed.key == candidate_id
    assert placed.event.placement_id == moved.json()["id"]
    assert (placed.event.municipality, placed.event.move_in_date) == (
        scenario.code, today + timedelta(days=7))
    accepted = mine(PROPOSALS.name, kafka_bootstrap,
                    lambda e: isinstance(e, ev.ProposalAccepted)
                    and e.proposal_id == proposal.proposal_id)
    assert len({m.received.id for m in accepted}) == 1  # one event, whoever relayed it


def test_poison_on_an_input_topic_is_dead_lettered_and_the_worker_goes_on(
        kafka_bootstrap, workers, scenario):
    key = f"poison-{uuid.uuid4().hex[:8]}"
    workers.start()
    workers.wait_for_members(1)
    produce(kafka_bootstrap, CANDIDATES.name, key, b"{definitely not an event")
    ids = publish(kafka_bootstrap, scenario.municipality())

    eventually(lambda: processed(workers.database_url, ids), 30, what="later event processed")
    letters = eventually(lambda: [
        json.loads(m.value) for m in consume_all(kafka_bootstrap, f"{CANDIDATES.name}.dlq")
        if m.key == key], 20, 0.5, "the dead letter")
    assert letters[0]["consumer"] == "allocation.inputs"
    assert letters[0]["error"].startswith("not JSON")
    assert workers.processes[0].poll() is None  # still running
