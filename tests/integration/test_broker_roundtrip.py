"""Every event type through the real broker, with kafka-python, aiokafka and Faust.

Proves the client versions pinned in pyproject (kafka-python 3.0, aiokafka 0.14,
faust-streaming 0.15.3) against the broker version shared.local.broker runs, and that
ensure_topics creates the registry's topics with their settings. Also exercises the
LocalBroker features other tests rely on: kill -9 and restart on the same storage, SASL.
"""

from __future__ import annotations

import asyncio
import threading
import uuid

import faust
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from factories import MOMENT, sample_event, sample_events
from kafka import KafkaProducer
from kafka_helpers import consume_all, produce

import shared.contracts.codecs  # noqa: F401  (registers the "cloudevents" Faust codec)
from shared.contracts.codecs import kafka_key_serializer, kafka_value_serializer
from shared.contracts.envelope import Received, decode, encode, envelope_for
from shared.contracts.events import EVENT_CLASSES
from shared.contracts.topics import ALL_TOPICS, CANDIDATES, Cleanup, Topic
from shared.local.broker import LocalBroker
from shared.messaging.kafka_admin import (
    admin_client,
    ensure_topics,
    topic_configs,
    wait_for_broker,
)

pytestmark = pytest.mark.kafka

SOURCE = "urn:woonregie:tests"


def unique(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}"


def canonical(events) -> list[str]:
    """Events as a sorted list of their type and JSON (events hold lists: not hashable)."""
    return sorted(f"{type(e).__name__} {e.model_dump_json()}" for e in events)


# --- kafka-python -------------------------------------------------------------------------


def test_every_event_type_round_trips_with_kafka_python(kafka_bootstrap):
    envelopes = {
        cls: envelope_for(sample_event(cls), source=SOURCE, time=MOMENT) for cls in EVENT_CLASSES
    }
    producer = KafkaProducer(
        bootstrap_servers=kafka_bootstrap, acks="all",
        key_serializer=kafka_key_serializer, value_serializer=kafka_value_serializer,
    )
    try:
        futures = [
            producer.send(cls.TOPIC.name, key=envelope.subject, value=envelope,
                          headers=[("ce_id", envelope.id.encode())])
            for cls, envelope in envelopes.items()
        ]
        producer.flush(timeout=10)
        for future in futures:
            future.get(timeout=10)
    finally:
        producer.close(timeout=10)

    by_id = {}
    for topic in {cls.TOPIC.name for cls in EVENT_CLASSES}:
        for message in consume_all(kafka_bootstrap, topic, timeout=15):
            if message.received is not None:
                by_id[message.received.id] = message

    for cls, envelope in envelopes.items():
        message = by_id.get(envelope.id)
        assert message is not None, f"{cls.__name__} not read back from {cls.TOPIC.name}"
        assert message.topic == cls.TOPIC.name
        assert message.key == sample_event(cls).key()
        assert message.headers["ce_id"] == envelope.id.encode()
        assert type(message.event) is cls
        assert message.event == sample_event(cls)
        assert message.received.envelope == envelope


def test_same_key_lands_on_one_partition_in_order(kafka_bootstrap):
    topic = CANDIDATES.name
    candidate = f"cand-{uuid.uuid4().hex[:8]}"
    events = [
        sample_event(cls, candidate_id=candidate) for cls in EVENT_CLASSES if cls.TOPIC == CANDIDATES
    ]
    assert len(events) > 3 and CANDIDATES.partitions > 1
    for event in events:
        produce(kafka_bootstrap, topic, event.key(), encode(event, source=SOURCE))
    mine = [m for m in consume_all(kafka_bootstrap, topic) if m.key == candidate]
    assert [m.event for m in mine] == events
    assert len({m.partition for m in mine}) == 1


def test_poison_bytes_come_back_with_a_reason(kafka_bootstrap):
    topic = Topic(unique("test.poison"), "k", partitions=1)
    ensure_topics(kafka_bootstrap, [topic])
    produce(kafka_bootstrap, topic.name, "k1", b"{not json", {"origin": "test"})
    [message] = consume_all(kafka_bootstrap, topic.name)
    assert message.received is None
    assert message.error.startswith("not JSON")
    assert message.value == b"{not json"
    assert message.headers == {"origin": b"test"}


# --- aiokafka -----------------------------------------------------------------------------


async def test_every_event_type_round_trips_with_aiokafka_and_a_consumer_group(kafka_bootstrap):
    topic = Topic(unique("test.aiokafka"), "event key", partitions=3)
    ensure_topics(kafka_bootstrap, [topic])
    originals = sample_events()
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for event in originals:
            await producer.send_and_wait(
                topic.name, encode(event, source=SOURCE), key=event.key().encode()
            )
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic.name, bootstrap_servers=kafka_bootstrap, group_id=unique("test-group"),
        auto_offset_reset="earliest", enable_auto_commit=False,
    )
    await consumer.start()
    received: list[Received] = []
    try:
        async with asyncio.timeout(20):
            while len(received) < len(originals):
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    received.extend(decode(r.value) for r in records)
        await consumer.commit()  # group coordinator and offset commit work too
        committed = {
            tp: await consumer.committed(tp) for tp in consumer.assignment()
        }
    finally:
        await consumer.stop()

    assert canonical(r.event for r in received) == canonical(originals)
    assert sum(committed.values()) == len(originals)


# --- Faust --------------------------------------------------------------------------------


async def test_faust_creates_topics_and_round_trips_every_event_type(kafka_bootstrap):
    app_id = unique("wr-test-faust")
    app = faust.App(
        app_id, broker=f"kafka://{kafka_bootstrap}", store="memory://", web_enabled=False,
        topic_replication_factor=1, topic_partitions=2, producer_acks=-1,
        consumer_auto_offset_reset="earliest", broker_commit_every=1,
    )
    topic_name = unique("test.faust")
    topic = app.topic(
        topic_name, key_type=str, value_serializer="cloudevents",
        partitions=2, internal=True,  # internal: Faust creates the topic itself
    )
    counts = app.Table("counts", default=int, partitions=2)
    seen: list[Received] = []
    everything = asyncio.Event()
    originals = sample_events()

    @app.agent(topic)
    async def collect(stream):
        async for key, received in stream.items():
            seen.append(received)
            counts[type(received.event).__name__] += 1
            if len(seen) >= len(originals):
                everything.set()

    app.finalize()
    await app.start()
    try:
        half = len(originals) // 2
        for event in originals[:half]:  # written by Faust through the codec ...
            await topic.send(key=event.key(), value=envelope_for(event, source=SOURCE))
        for event in originals[half:]:  # ... and by kafka-python
            await asyncio.to_thread(
                produce, kafka_bootstrap, topic_name, event.key(), encode(event, source=SOURCE)
            )
        await asyncio.wait_for(everything.wait(), timeout=30)
    finally:
        await app.stop()

    assert all(isinstance(r, Received) for r in seen)
    assert canonical(r.event for r in seen) == canonical(originals)
    with admin_client(kafka_bootstrap) as admin:
        existing = set(admin.list_topics())
    assert topic_name in existing
    changelog = f"{app_id}-counts-changelog"
    assert changelog in existing
    assert consume_all(kafka_bootstrap, changelog)  # Faust wrote its table changelog too
    # and what Faust wrote, kafka-python reads and decodes
    read_back = consume_all(kafka_bootstrap, topic_name)
    assert canonical(m.event for m in read_back) == canonical(originals)
    assert not [m for m in read_back if m.error]


# --- topics -------------------------------------------------------------------------------


def test_ensure_topics_is_idempotent_and_applies_topic_settings(kafka_bootstrap):
    again = ensure_topics(kafka_bootstrap)
    assert again == {t.name: False for t in ALL_TOPICS}  # the fixture created them all

    configs = topic_configs(kafka_bootstrap, [t.name for t in ALL_TOPICS])
    with admin_client(kafka_bootstrap) as admin:
        described = {t["name"]: t for t in admin.describe_topics([t.name for t in ALL_TOPICS])}
    for topic in ALL_TOPICS:
        assert configs[topic.name]["cleanup.policy"] == str(topic.cleanup), topic.name
        assert configs[topic.name]["retention.ms"] == str(topic.retention_ms), topic.name
        assert len(described[topic.name]["partitions"]) == topic.partitions, topic.name
    compacted = {t.name for t in ALL_TOPICS if t.cleanup is Cleanup.COMPACT}
    assert compacted == {
        "registry.municipalities.v1", "registry.dwellings.v1", "registry.agreements.v1",
        "registry.woonzorgvisie.v1",
    }


def test_ensure_topics_tolerates_a_concurrent_creator(kafka_bootstrap):
    topics = [Topic(unique("test.race"), "k", partitions=2, cleanup=Cleanup.COMPACT)
              for _ in range(4)]
    results, errors = [], []

    def run():
        try:
            results.append(ensure_topics(kafka_bootstrap, topics))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert all(sum(r.values()) <= len(topics) for r in results)
    configs = topic_configs(kafka_bootstrap, [t.name for t in topics])
    assert {c["cleanup.policy"] for c in configs.values()} == {"compact"}


# --- LocalBroker: crash recovery and SASL -------------------------------------------------


def test_scram_broker_keeps_users_and_data_across_kill_9(tmp_path):
    users = {"registry": "registry-secret", "allocation": "allocation-secret"}
    broker = LocalBroker(tmp_path / "kafka", sasl_users=users, sasl_mechanism="SCRAM-SHA-256")
    try:
        broker.start()
        security = broker.client_security("registry")
        assert security == {
            "security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-256",
            "sasl_plain_username": "registry", "sasl_plain_password": "registry-secret",
        }
        topic = Topic(unique("test.durable"), "k", partitions=1)
        ensure_topics(broker.bootstrap, [topic], **security)
        event = sample_event(EVENT_CLASSES[0])
        produce(broker.bootstrap, topic.name, event.key(), encode(event, source=SOURCE),
                **security)
        pid, port = broker.pid, broker.port

        broker.kill()  # SIGKILL: no controlled shutdown
        assert not broker.is_running()
        broker.start()  # same storage: SCRAM users live in the metadata log

        assert broker.pid != pid and broker.port == port
        [message] = consume_all(broker.bootstrap, topic.name, timeout=20,
                                **broker.client_security("allocation"))
        assert message.event == event
        wrong = security | {"sasl_plain_password": "wrong"}
        with pytest.raises(TimeoutError):
            wait_for_broker(broker.bootstrap, 1, **wrong)
        with pytest.raises(TimeoutError):
            wait_for_broker(broker.bootstrap, 1)  # no credentials at all
    finally:
        broker.stop()
    assert not broker.is_running()


async def test_plain_sasl_broker_serves_aiokafka_and_kafka_python(tmp_path):
    users = {"monitoring": "monitoring-secret"}
    broker = LocalBroker(tmp_path / "kafka", sasl_users=users, sasl_mechanism="PLAIN")
    try:
        await asyncio.to_thread(broker.start)
        security = broker.client_security()
        assert security["sasl_mechanism"] == "PLAIN"
        topic = ALL_TOPICS[0]
        await asyncio.to_thread(ensure_topics, broker.bootstrap, [topic], **security)
        event = sample_event(EVENT_CLASSES[0])
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, **security)
        await producer.start()
        try:
            await producer.send_and_wait(topic.name, encode(event, source=SOURCE),
                                         key=event.key().encode())
        finally:
            await producer.stop()
        [message] = await asyncio.to_thread(consume_all, broker.bootstrap, topic.name, **security)
        assert message.event == event
        with pytest.raises(TimeoutError):
            await asyncio.to_thread(wait_for_broker, broker.bootstrap, 1,
                                    **(security | {"sasl_plain_password": "wrong"}))
    finally:
        await asyncio.to_thread(broker.stop)


def test_a_services_consumer_batches_its_fetches_and_still_reads_a_lone_event_soon(
        kafka_bootstrap):
    """make_consumer takes the fetch batching from settings, and one event far smaller than
    kafka_fetch_min_bytes is still read (once kafka_fetch_max_wait_ms has passed)."""
    from kafka.admin import NewTopic

    from shared.messaging.kafka_clients import make_consumer
    from shared.settings import WoonregieSettings

    topic = unique("test.fetch")
    with admin_client(kafka_bootstrap) as admin:
        admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    settings = WoonregieSettings(service_name="fetch-test", kafka_bootstrap=kafka_bootstrap,
                                 kafka_fetch_min_bytes=10_000_000, kafka_fetch_max_wait_ms=50)
    consumer = make_consumer(settings, topic, group_id=unique("fetch-group"))
    try:
        assert consumer.config["fetch_min_bytes"] == 10_000_000
        assert consumer.config["fetch_max_wait_ms"] == 50
        while not consumer.assignment():
            consumer.poll(timeout_ms=100)
        produce(kafka_bootstrap, topic, None, b"lone")
        values: list[bytes] = []
        for _ in range(50):
            values += [r.value for rs in consumer.poll(timeout_ms=100).values() for r in rs]
            if values:
                break
        assert values == [b"lone"]
    finally:
        consumer.close(autocommit=False)
