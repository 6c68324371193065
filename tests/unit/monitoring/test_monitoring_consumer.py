"""The read-model consumer with a fake Kafka consumer: replay from offset 0, DLQ for poison,
lag and outcome metrics, alert checks only after the replay caught up."""

from __future__ import annotations

import json
import time
from collections import namedtuple
from datetime import date

import pytest
from factories import sample_event
from kafka import TopicPartition

from services.monitoring.adapters.consumer import (
    CONSUMED_TOPICS,
    CONSUMER_NAME,
    ReadModelConsumer,
)
from services.monitoring.adapters.dead_letters import DeadLetterSink
from services.monitoring.adapters.metrics import MonitoringMetrics
from services.monitoring.domain import BandPolicy
from services.monitoring.service.live import LiveModel
from shared.contracts import events as ev
from shared.contracts.envelope import encode
from shared.settings import MonitoringSettings

Record = namedtuple("Record", "topic partition offset key value headers")


class FakeProducer:
    """Records what a DeadLetterPublisher sends."""

    def __init__(self):
        self.letters = []
        self.closed = False

    def send(self, topic, key=None, value=None, headers=None):
        self.letters.append(FakeLetter(topic, key, json.loads(value)))
        return self

    def get(self, timeout=None):
        return None

    def close(self, timeout=None):
        self.closed = True


class FakeLetter(namedtuple("FakeLetter", "dlq key document")):
    @property
    def error(self):
        return self.document["error"]

    @property
    def topic(self):
        return self.document["originalTopic"]

    @property
    def offset(self):
        return self.document["offset"]

    @property
    def consumer(self):
        return self.document["consumer"]


class MemoryLedgerUow:
    def __init__(self, ledger: set):
        self.ledger = ledger
        self.staged: set = set()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def seen(self, consumer, event_id):
        return (consumer, event_id) in self.ledger

    def mark_seen(self, consumer, event_id):
        self.staged.add((consumer, event_id))

    def commit(self):
        self.ledger |= self.staged


class FakeChecker:
    def __init__(self):
        self.bands = 0
        self.stalled = 0

    def check_bands(self):
        self.bands += 1
        return []

    def check_stalled(self):
        self.stalled += 1
        return []


class FakeKafka:
    """Enough of kafka-python's KafkaConsumer for one partition per topic."""

    def __init__(self, log: dict[str, list[bytes]]):
        self.log = log
        self.positions: dict[TopicPartition, int] = {}
        self.closed = False

    def partitions_for_topic(self, topic):
        return {0}

    def assign(self, partitions):
        self.positions = {tp: 0 for tp in partitions}

    def assignment(self):
        return set(self.positions)

    def seek_to_beginning(self, *partitions):
        for tp in partitions:
            self.positions[tp] = 0

    def seek(self, tp, offset):
        self.positions[tp] = offset

    def end_offsets(self, partitions):
        return {tp: len(self.log.get(tp.topic, [])) for tp in partitions}

    def position(self, tp):
        return self.positions[tp]

    def poll(self, timeout_ms=0, max_records=500):
        batches = {}
        for tp, at in self.positions.items():
            values = self.log.get(tp.topic, [])[at:]
            if values:
                batches[tp] = [Record(tp.topic, 0, at + i, b"k", v, []) for i, v in
                               enumerate(values)]
                self.positions[tp] = at + len(values)
        if not batches:
            time.sleep(timeout_ms / 1000)
        return batches

    def close(self, autocommit=False):
        self.closed = True


def encoded(event, event_id=None):
    return encode(event, source="urn:woonregie:tests", event_id=event_id)


def record(topic, value, offset=0):
    return Record(topic, 0, offset, b"key", value, [])


@pytest.fixture
def parts():
    live = LiveModel(BandPolicy())
    metrics = MonitoringMetrics(live)
    publisher = FakeProducer()
    checker = FakeChecker()
    settings = MonitoringSettings(alert_check_seconds=0.05, log_json=False)
    return live, metrics, publisher, checker, settings


def consumer_of(parts, log=None):
    live, metrics, publisher, checker, settings = parts
    fake = FakeKafka(log or {})
    ledger: set = set()
    sink = DeadLetterSink(lambda: publisher, lambda: MemoryLedgerUow(ledger), CONSUMER_NAME)
    consumer = ReadModelConsumer(settings, live, sink, metrics, checker,
                                 consumer_factory=lambda *a, **k: fake)
    return consumer, fake


def metric(metrics, name, **labels):
    return metrics.registry.get_sample_value(name, labels) or 0.0


def test_valid_duplicate_and_poison_messages(parts):
    live, metrics, publisher, _, _ = parts
    consumer, _ = consumer_of(parts)
    placed = encoded(sample_event(ev.CandidatePlaced), event_id="e-1")
    topic = ev.CandidatePlaced.TOPIC.name
    assert consumer.handle(record(topic, placed)) == "applied"
    assert consumer.handle(record(topic, placed, 1)) == "duplicate"
    assert consumer.handle(record(topic, b"{not json", 2)) == "dead-lettered"
    assert len(live.model.waits) == 1
    letter = publisher.letters[0]
    assert letter.dlq == f"{topic}.dlq"
    assert letter.topic == topic and letter.offset == 2 and "not JSON" in letter.error
    assert letter.consumer == "monitoring.read-model"
    assert metric(metrics, "woonregie_monitoring_events_processed_total", topic=topic,
                  outcome="applied") == 1
    assert metric(metrics, "woonregie_monitoring_dead_letters_total", topic=topic) == 1


def test_an_event_that_breaks_the_model_goes_to_the_dlq_and_reading_goes_on(parts):
    live, _, publisher, _, _ = parts
    consumer, _ = consumer_of(parts)

    def broken(received):
        raise KeyError("a bug")

    live.apply, working = broken, live.apply
    topic = ev.CandidatePlaced.TOPIC.name
    assert consumer.handle(record(topic, encoded(sample_event(ev.CandidatePlaced)))) \
        == "dead-lettered"
    assert "failed in monitoring.read-model: KeyError" in publisher.letters[0].error
    live.apply = working
    assert consumer.handle(record(topic, encoded(sample_event(ev.CandidatePlaced)), 1)) \
        == "applied"


def test_a_poison_message_read_again_is_not_sent_again(parts):
    _, metrics, publisher, _, _ = parts
    consumer, _ = consumer_of(parts)
    poison = record("allocation.placements.v1", b"\x00garbage", 7)
    assert consumer.handle(poison) == "dead-lettered"
    assert consumer.handle(poison) == "dead-lettered"  # e.g. the replay after a restart
    assert len(publisher.letters) == 1
    assert metric(metrics, "woonregie_monitoring_dead_letters_total",
                  topic="allocation.placements.v1") == 1
    assert metric(metrics, "woonregie_monitoring_events_processed_total",
                  topic="allocation.placements.v1", outcome="dead-lettered") == 2


def test_unknown_type_and_major_version_go_to_the_dlq(parts):
    _, _, publisher, _, _ = parts
    consumer, _ = consumer_of(parts)
    v2 = encoded(sample_event(ev.CandidatePlaced)).replace(b".candidate-placed.v1",
                                                            b".candidate-placed.v2")
    unknown = encoded(sample_event(ev.CandidatePlaced)).replace(b".candidate-placed.v1",
                                                                 b".candidate-teleported.v1")
    assert consumer.handle(record("allocation.placements.v1", v2, 0)) == "dead-lettered"
    assert consumer.handle(record("allocation.placements.v1", unknown, 1)) == "dead-lettered"
    assert "unsupported major version v2" in publisher.letters[0].error
    assert "unknown event type" in publisher.letters[1].error


def test_an_event_the_domain_rejects_goes_to_the_dlq(parts):
    live, _, publisher, _, _ = parts
    consumer, _ = consumer_of(parts)
    backwards = sample_event(ev.AgreementPublished, period_start=date(2026, 12, 31),
                             period_end=date(2026, 1, 1))
    assert consumer.handle(record("registry.agreements.v1", encoded(backwards))) \
        == "dead-lettered"
    assert "rejected by monitoring.read-model: periodEnd" in publisher.letters[0].error
    assert live.model.agreements == {}


def test_replays_from_offset_zero_then_checks_alerts(parts):
    live, metrics, _, checker, _ = parts
    log = {
        "registry.agreements.v1": [encoded(sample_event(ev.AgreementPublished))],
        "allocation.placements.v1": [encoded(sample_event(ev.CandidatePlaced)), b"poison"],
    }
    consumer, fake = consumer_of(parts, log)
    assert checker.bands == 0
    consumer.start()
    try:
        assert live.replayed.wait(5)
        deadline = time.monotonic() + 5
        while checker.stalled == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        consumer.stop()
    assert fake.closed
    assert parts[2].closed  # the DLQ producer is closed with the consumer
    assert checker.bands >= 1 and checker.stalled >= 1
    assert live.model.latest_agreement("province", "2026") is not None
    assert len(live.model.waits) == 1
    assert metric(metrics, "woonregie_monitoring_replay_complete") == 1
    assert {tp.topic for tp in consumer.positions} == {t.name for t in CONSUMED_TOPICS}
    for topic in log:
        assert metric(metrics, "woonregie_monitoring_consumer_lag", topic=topic) == 0
    text = metrics.render().decode()
    assert 'woonregie_realisation_target{municipality="GM0014",period="2026",scope="province"}' \
        in text


def test_realisation_gauges_leave_out_small_counts_unless_exact(model):
    live = LiveModel(BandPolicy())
    live.model = model
    public = MonitoringMetrics(live).render().decode()
    exact = MonitoringMetrics(live, exact=True).render().decode()
    small = 'woonregie_realisation_realised{municipality="GM1979",period="2026",scope="province"}'
    assert small not in public and f"{small} 2.0" in exact
    assert 'woonregie_realisation_realised{municipality="GM0014",period="2026",' \
           'scope="province"} 6.0' in public
