"""Outbox: writes are accepted while the broker is down, and published exactly once (as an
idempotent consumer sees them) when it returns. Runs on SQLite and PostgreSQL."""

import time

import pytest
from kafka_helpers import consume_all
from sqlalchemy import MetaData

from shared.contracts.events import VacancyWithdrawn
from shared.contracts.topics import VACANCIES
from shared.db import make_engine
from shared.local.broker import LocalBroker
from shared.messaging.consuming import EventProcessor, Inbound, Outcome
from shared.messaging.kafka_admin import ensure_topics
from shared.messaging.uow import InfraTables
from shared.runtime import Runtime
from shared.settings import WoonregieSettings

pytestmark = pytest.mark.kafka


@pytest.fixture
def own_broker(tmp_path):
    """A broker of this test alone: the test kills it."""
    broker = LocalBroker(tmp_path / "kafka")
    broker.start()
    ensure_topics(broker.bootstrap)
    yield broker
    broker.stop()


def runtime_on(database_url: str, bootstrap: str, name: str) -> Runtime:
    metadata = MetaData()
    infra = InfraTables.on(metadata)
    engine = make_engine(database_url)
    metadata.create_all(engine)
    settings = WoonregieSettings(service_name=name, kafka_bootstrap=bootstrap,
                                 outbox_poll_seconds=0.05)
    return Runtime(settings=settings, engine=engine, infra=infra)


def withdrawal(n: int) -> VacancyWithdrawn:
    return VacancyWithdrawn(vacancy_id=f"v{n}", bag_id=f"{n:016d}", municipality="GM0014",
                            corporation="lefier", withdrawn_on="2026-03-01")


def wait_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def test_outbox_survives_broker_outage_and_publishes_exactly_once(own_broker, database_url):
    producer_side = runtime_on(database_url, own_broker.bootstrap, "outbox-test")
    own_broker.kill()
    emitted = []
    for n in range(20):
        with producer_side.uow() as uow:
            emitted.append(uow.emit(withdrawal(n)))
            uow.commit()
    producer_side.relay.start()
    try:
        time.sleep(1.5)
        assert producer_side.relay.pending_count() == 20  # accepted, kept, not lost
        own_broker.start()
        wait_until(lambda: producer_side.relay.pending_count() == 0, timeout=60)
    finally:
        producer_side.relay.stop()

    messages = consume_all(own_broker.bootstrap, VACANCIES.name, timeout=30, expect=20)
    assert {m.received.id for m in messages} >= set(emitted)

    consumer_side = runtime_on(database_url.replace("service.db", "consumer.db"),
                               own_broker.bootstrap, "consumer-test")
    handled = []
    processor = EventProcessor("ledger-test", consumer_side.uow,
                               lambda uow, received: handled.append(received.id),
                               consumer_side.dead_letters)
    for message in messages + messages:  # a full redelivery of everything
        processor.process(Inbound(message.topic, message.partition, message.offset,
                                  message.key.encode(), message.value, []))
    assert sorted(handled) == sorted(emitted)
    assert processor.counts[Outcome.DUPLICATE] == len(messages)
