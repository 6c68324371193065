"""The SQLite outbox relay hands rows to the producer without waiting for the broker's
acknowledgements, marks a row published only once it and every row before it are
acknowledged, and sends a failed row and the rows after it again, in order.

The producer is a stand-in whose sends the test acknowledges or fails by hand (kafka-python's
own futures); the database, the lease and the relay's thread are the real ones."""

from __future__ import annotations

import json
import threading
import time

import pytest
from kafka.errors import KafkaTimeoutError
from kafka.future import Future
from sqlalchemy import MetaData
from sqlalchemy.orm import Session

from shared.contracts.events import VacancyWithdrawn
from shared.db import make_engine
from shared.messaging.outbox import OutboxRelay, add_to_outbox
from shared.messaging.uow import InfraTables


class HandAckedProducer:
    """Records every send and returns a future the test settles."""

    def __init__(self):
        self.sent: list[tuple[str, Future]] = []  # (event id, future), in send order
        self._lock = threading.Lock()

    def send(self, topic, *, key, value, headers):
        future = Future()
        event_id = json.loads(value)["id"]
        with self._lock:
            self.sent.append((event_id, future))
        return future

    def flush(self, timeout=None):
        pass

    def close(self, timeout=None):
        pass

    def ids(self) -> list[str]:
        with self._lock:
            return [event_id for event_id, _ in self.sent]

    def settle(self, index: int, *, ok: bool = True) -> None:
        _, future = self.sent[index]
        if ok:
            future.success(object())
        else:
            future.failure(KafkaTimeoutError("no acknowledgement"))


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


@pytest.fixture
def outbox(tmp_path):
    metadata = MetaData()
    infra = InfraTables.on(metadata)
    engine = make_engine(f"sqlite:///{tmp_path / 'outbox.db'}")
    metadata.create_all(engine)
    producer = HandAckedProducer()
    relay = OutboxRelay(engine, infra.outbox, lambda: producer, poll_seconds=0.05)

    def add(n: int) -> str:
        with Session(engine) as session:
            event_id = add_to_outbox(session, infra.outbox, withdrawal(n), source="test")
            session.commit()
        relay.wake()
        return event_id

    yield relay, producer, add
    for _, future in producer.sent:  # let stop() find nothing in flight
        if not future.is_done:
            future.success(object())
    relay.stop()
    engine.dispose()


def withdrawal(n: int) -> VacancyWithdrawn:
    return VacancyWithdrawn(vacancy_id=f"v{n}", bag_id=f"{n:016d}", municipality="GM0014",
                            corporation="lefier", withdrawn_on="2026-03-01")


def test_the_relay_sends_on_while_earlier_rows_wait_for_their_acknowledgement(outbox):
    relay, producer, add = outbox
    relay.start()
    add(1)
    wait_until(lambda: len(producer.sent) == 1)
    add(2)  # the first send is not acknowledged yet
    wait_until(lambda: len(producer.sent) == 2)
    assert relay.pending_count() == 2  # sent, not acknowledged: not marked


def test_a_row_is_marked_only_once_it_and_every_row_before_it_are_acknowledged(outbox):
    relay, producer, add = outbox
    for n in (1, 2, 3):
        add(n)
    relay.start()
    wait_until(lambda: len(producer.sent) == 3)
    producer.settle(1)
    producer.settle(2)
    time.sleep(0.3)  # several rounds of the relay
    assert relay.pending_count() == 3  # the first row is still unacknowledged
    producer.settle(0)
    wait_until(lambda: relay.pending_count() == 0)
    assert len(producer.sent) == 3  # nothing was sent twice


def test_a_failed_send_is_sent_again_with_the_rows_after_it_in_order(outbox):
    relay, producer, add = outbox
    ids = [add(n) for n in (1, 2, 3)]
    relay.start()
    wait_until(lambda: len(producer.sent) == 3)
    producer.settle(0)
    producer.settle(1, ok=False)
    producer.settle(2)
    wait_until(lambda: len(producer.sent) == 5)
    producer.settle(3)
    producer.settle(4)
    wait_until(lambda: relay.pending_count() == 0)
    assert producer.ids() == [ids[0], ids[1], ids[2], ids[1], ids[2]]
