"""The worker takes its input in batches (one unit of work per batch): a burst through the
real broker and the real worker process keeps the per-message semantics. Poison and a domain
rejection in the middle of a batch go to the DLQ with their reason while the rest applies; a
duplicate changes nothing; every effect exists once; the decisions are the ones the same
events processed one at a time (the service layer without Kafka) make."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from allocation_it import eventually, live_scenario, processed, publish, setup_events
from allocation_service_helpers import Harness, inbound
from kafka import KafkaProducer
from kafka_helpers import consume_all
from sqlalchemy import select

from services.allocation.adapters.tables import ProposalRow
from shared.contracts import events as ev
from shared.contracts.envelope import encode
from shared.contracts.topics import CANDIDATES, PROPOSALS
from shared.contracts.vocabulary import IncomeClass, TargetGroup
from shared.db import make_engine

pytestmark = pytest.mark.kafka

SOURCE = "urn:woonregie:tests:allocation-batches"


def burst(bootstrap: str, records: list[tuple[str, bytes, bytes]]) -> None:
    """All records in one go (lingering producer): the worker finds them waiting together.
    One partition, so the order the worker sees is the order sent (the reference's order)."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=50)
    try:
        futures = [producer.send(topic, key=key, value=value, partition=0)
                   for topic, key, value in records]
        producer.flush(timeout=20)
        for future in futures:
            future.get(timeout=20)
    finally:
        producer.close(timeout=5)


def test_a_burst_with_poison_a_rejection_and_duplicates_is_processed_exactly_once(
        kafka_bootstrap, workers, scenario, tmp_path):
    today = live_scenario(scenario)
    tag = uuid.uuid4().hex[:8]
    candidates = [f"cand-{tag}-{i:02d}" for i in range(30)]
    vacancies = [f"vac-{tag}-{i:02d}" for i in range(12)]
    poison_key = f"poison-{tag}".encode()
    stranger = f"never-registered-{tag}"

    workers.start()
    workers.wait_for_members(1)
    [municipality, agreement, *_] = setup_events(scenario, today, candidates[0])
    setup_ids = publish(kafka_bootstrap, municipality, agreement)
    eventually(lambda: processed(workers.database_url, setup_ids), 30, what="setup processed")

    # the candidates' burst: registrations and urgencies, poison, an urgency for a candidate
    # never registered (the domain refuses it), and a registration delivered twice
    events: list[tuple[ev.Event, str]] = []
    for offset, candidate_id in enumerate(candidates):
        events.append((scenario.candidate(candidate_id, income_class=IncomeClass.DAEB),
                       str(uuid.uuid4())))
        events.append((ev.UrgencyGranted(
            candidate_id=candidate_id, municipality=scenario.code,
            category=TargetGroup.DAKLOOS_GEZIN,
            granted_on=today - timedelta(days=300 - offset),
            valid_until=today + timedelta(days=60)), str(uuid.uuid4())))
    rejected = (ev.UrgencyGranted(candidate_id=stranger, municipality=scenario.code,
                                  category=TargetGroup.DAKLOOS_GEZIN, granted_on=today,
                                  valid_until=today + timedelta(days=60)), str(uuid.uuid4()))
    events.insert(21, rejected)
    events.insert(31, events[4])  # the same registration (same id) once more
    records = [(e.TOPIC.name, e.key().encode(), encode(e, source=SOURCE, event_id=i))
               for e, i in events]
    records.insert(11, (CANDIDATES.name, poison_key, b"{definitely not an event"))
    burst(kafka_bootstrap, records)
    candidate_ids = sorted({i for _, i in events})
    eventually(lambda: processed(workers.database_url, candidate_ids), 60,
               what="the candidates' burst processed")

    # the vacancies' burst, one of them delivered twice
    now = datetime.now(timezone.utc)
    vacancy_events = [(scenario.vacancy(v, bag_id=f"{8_100_000_000_000_000 + n}",
                                        monthly_rent=850.0, announced_at=now),
                       str(uuid.uuid4())) for n, v in enumerate(vacancies)]
    vacancy_events.insert(5, vacancy_events[2])
    burst(kafka_bootstrap, [(e.TOPIC.name, e.key().encode(),
                             encode(e, source=SOURCE, event_id=i)) for e, i in vacancy_events])

    def labels():
        found = [m for m in consume_all(kafka_bootstrap, PROPOSALS.name, timeout=20)
                 if m.event is not None and getattr(m.event, "vacancy_id", None) in vacancies]
        labelled = {m.event.vacancy_id for m in found if isinstance(m.event, ev.VacancyLabelled)}
        return found if labelled == set(vacancies) else None

    found = eventually(labels, 60, 1.0, "every vacancy labelled")
    by_id = {m.received.id: m.event for m in found}  # the relay delivers at least once
    labelled = [e.vacancy_id for e in by_id.values() if isinstance(e, ev.VacancyLabelled)]
    proposed = [e for e in by_id.values() if isinstance(e, ev.CandidateProposed)]
    assert sorted(labelled) == sorted(vacancies)  # once each, the duplicate changed nothing
    assert len({p.vacancy_id for p in proposed}) == len(proposed)
    assert len({p.candidate_id for p in proposed}) == len(proposed)
    assert proposed, "the scenario proposes candidates"

    # the database: one proposal row per proposal event, the ledger has every id once
    engine = make_engine(workers.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(ProposalRow.vacancy_id, ProposalRow.candidate_id)
                                      .where(ProposalRow.vacancy_id.in_(vacancies))).all()
    finally:
        engine.dispose()
    assert sorted(map(tuple, rows)) == sorted((p.vacancy_id, p.candidate_id) for p in proposed)
    assert processed(workers.database_url, [i for _, i in vacancy_events])

    # the DLQ: the poison and the refused urgency, each with its reason
    letters = [json.loads(m.value) for m in consume_all(kafka_bootstrap,
                                                        f"{CANDIDATES.name}.dlq")
               if m.key in (poison_key.decode(), stranger)
               and json.loads(m.value)["consumer"] == "allocation.inputs"]
    by_key = {letter["key"]: letter for letter in letters}
    assert by_key[poison_key.decode()]["error"].startswith("not JSON")
    assert by_key[stranger]["error"].startswith("rejected by allocation.inputs")
    assert workers.processes[0].poll() is None  # still running

    # the same events one at a time, without Kafka: the same decisions
    reference = Harness.create(f"sqlite:///{tmp_path / 'reference.db'}", tmp_path / "ref")
    try:
        for event, event_id in [(municipality, None), (agreement, None), *events,
                                *vacancy_events]:
            reference.process(inbound(event, event_id=event_id))
        expected = sorted((r.vacancy_id, r.candidate_id) for r in reference.proposals()
                          if r.vacancy_id in vacancies)
    finally:
        reference.close()
    assert sorted(map(tuple, rows)) == expected

