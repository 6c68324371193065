"""From vacancy to placement through the real broker: the Faust worker as a process, the API
on the same database, the outbox relays publishing to allocation's topics."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from allocation_it import (
    eventually,
    live_scenario,
    processed,
    publish,
    setup_events,
    vacancy_event,
)
from kafka_helpers import consume_all, produce

from shared.contracts import events as ev
from shared.contracts.topics import CANDIDATES, PLACEMENTS, PROPOSALS

pytestmark = pytest.mark.kafka


def mine(topic, bootstrap, predicate):
    """Our events, one per CloudEvents id: delivery is at least once (the API's and the
    worker's outbox relays share one database), consumers deduplicate by id."""
    by_id = {m.received.id: m for m in consume_all(bootstrap, topic, timeout=20)
             if m.event is not None and predicate(m.event)}
    return list(by_id.values())


def test_vacancy_to_proposal_to_answers_to_move_in_to_placement(
        kafka_bootstrap, workers, service_app, scenario, corporation, care_provider):
    """Also on the way: a poison message on an input topic goes to its DLQ, the worker goes
    on, and the poison's offset is committed (acknowledged once its fate was committed)."""
    today = live_scenario(scenario)
    candidate_id = f"cand-{uuid.uuid4().hex[:10]}"
    vacancy_id, bag_id = f"vac-{uuid.uuid4().hex[:10]}", f"{8_000_000_000_000_000 + 1}"
    poison_key = f"poison-{uuid.uuid4().hex[:8]}"

    workers.start()
    workers.wait_for_members(1)
    produce(kafka_bootstrap, CANDIDATES.name, poison_key, b"{definitely not an event")
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

    [letter] = [json.loads(m.value) for m in consume_all(kafka_bootstrap,
                                                         f"{CANDIDATES.name}.dlq")
                if m.key == poison_key]
    assert letter["consumer"] == "allocation.inputs"
    assert letter["error"].startswith("not JSON")
    eventually(lambda: workers.committed().get((CANDIDATES.name, letter["partition"]), -1)
               > letter["offset"], 20, 0.5, "the poison's offset committed")
    assert workers.processes[0].poll() is None  # still running
