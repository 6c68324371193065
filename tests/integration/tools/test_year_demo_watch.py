"""The year demo's watch on allocation's topic, against a real broker: a proposal the worker's
timer expired on today's date is noticed (the demo then says what the platform needs), one
expired on a simulated day is not."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from kafka import KafkaProducer

from shared.contracts import topics
from shared.contracts.envelope import encode
from shared.contracts.events import ProposalExpired
from tools.year_kafka import DecisionWatch

pytestmark = pytest.mark.kafka

TODAY = date(2026, 12, 5)


def expired(on: date) -> ProposalExpired:
    return ProposalExpired(proposal_id=str(uuid.uuid4()), vacancy_id=str(uuid.uuid4()),
                           candidate_id=str(uuid.uuid4()), municipality="GM0014",
                           expired_on=on)


def test_the_watch_notices_proposals_the_timer_expired_today(kafka_bootstrap):
    by_clock, in_the_year = expired(TODAY), expired(TODAY - timedelta(days=200))
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for event in (by_clock, in_the_year):
        producer.send(topics.PROPOSALS.name, key=event.key().encode(),
                      value=encode(event, source="urn:test:year-demo"))
    producer.flush(timeout=30)
    producer.close()
    watch = DecisionWatch(kafka_bootstrap, {}, TODAY)
    try:
        seen: set[str] = set()
        for _ in range(20):  # the consumer joins and fetches at its own pace
            seen = watch.expired_on_the_clock(0.5)
            if by_clock.proposal_id in seen:
                break
    finally:
        watch.close()

    assert by_clock.proposal_id in seen
    assert in_the_year.proposal_id not in seen
