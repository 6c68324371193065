"""PatientProcessor: redo on conflicts, wait out outages, dead-letter bugs, never drop."""

from __future__ import annotations

import threading

import pytest
from allocation_service_helpers import FakeProducer, Scenario, inbound
from sqlalchemy.exc import OperationalError

from services.allocation.adapters.aggregate_store import VersionConflict
from services.allocation.service.processing import PatientProcessor, Stopping
from shared.messaging.consuming import Outcome
from shared.messaging.dlq import DeadLetterPublisher


class FakeUow:
    marked: list = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def seen(self, consumer, event_id):
        return event_id in FakeUow.marked

    def mark_seen(self, consumer, event_id):
        FakeUow.marked.append(event_id)

    def commit(self):
        pass


class ScriptedProcessor:
    """Raises the scripted errors in turn, then answers HANDLED."""

    consumer = "allocation.inputs"

    def __init__(self, *failures):
        self.failures = list(failures)
        self.calls = 0
        self.producer = FakeProducer()
        self.dead_letters = DeadLetterPublisher(self.producer)
        self.counts = {outcome: 0 for outcome in Outcome}
        self.uow_factory = FakeUow

    def process(self, message):
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return Outcome.HANDLED


@pytest.fixture
def message():
    FakeUow.marked = []
    return inbound(Scenario().municipality())


def patient(processor, **options):
    sleeps = []
    return PatientProcessor(processor, sleep=sleeps.append, **options), sleeps


def test_a_conflict_is_redone_at_once(message):
    processor = ScriptedProcessor(VersionConflict("v3"), VersionConflict("v4"))
    runner, sleeps = patient(processor)
    assert runner.process(message) is Outcome.HANDLED
    assert processor.calls == 3 and runner.conflicts == 2 and sleeps == []


def test_an_outage_is_waited_out_with_growing_pauses(message):
    outage = OperationalError("SELECT 1", {}, Exception("database is away"))
    processor = ScriptedProcessor(outage, outage, outage, ConnectionRefusedError())
    runner, sleeps = patient(processor, first_backoff=0.5, max_backoff=1.5)
    assert runner.process(message) is Outcome.HANDLED
    assert sleeps == [0.5, 1.0, 1.5, 1.5]
    assert processor.producer.sent == []  # nothing dead-lettered: it was not the message


def test_a_bug_sends_the_message_to_the_dlq_after_a_few_attempts(message):
    processor = ScriptedProcessor(*[KeyError("oops")] * 5)
    runner, _ = patient(processor, bug_attempts=3)
    assert runner.process(message) is Outcome.DEAD_LETTERED
    assert processor.calls == 3
    [letter] = processor.producer.sent
    assert letter["topic"] == "registry.municipalities.v1.dlq"
    assert b"KeyError" in dict(letter["headers"])["dlq.error"]
    assert len(FakeUow.marked) == 1  # a redelivery is a duplicate, not a second letter


def test_a_message_that_cannot_even_be_dead_lettered_waits_instead_of_vanishing(message):
    processor = ScriptedProcessor(*[KeyError("oops")] * 3)
    stop = threading.Event()
    attempts = []

    def refuse(letter):
        attempts.append(letter)
        if len(attempts) == 3:
            stop.set()
        raise KeyError("no such DLQ")

    processor.dead_letters.publish = refuse
    runner = PatientProcessor(processor, sleep=lambda seconds: None, stop=stop)
    with pytest.raises(Stopping):
        runner.process(message)
    assert len(attempts) == 3


def test_a_stop_ends_the_wait_and_leaves_the_message_unprocessed(message):
    outage = OperationalError("SELECT 1", {}, Exception("database is away"))
    stop = threading.Event()
    processor = ScriptedProcessor(*[outage] * 100)
    runner = PatientProcessor(processor, stop=stop, sleep=lambda s: stop.set())
    with pytest.raises(Stopping):
        runner.process(message)
    assert processor.calls == 1
