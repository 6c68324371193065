"""Read and write a topic of the test broker with kafka-python, synchronously.

    produce(kafka_bootstrap, topic, key, encode(event, source=...), {"traceparent": b"..."})
    messages = consume_all(kafka_bootstrap, topic, timeout=10, expect=1)
    messages[0].received.event == event

`security` keyword arguments are kafka-python's (see `LocalBroker.client_security()`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from shared.contracts.envelope import PoisonMessage, Received, decode

Headers = Mapping[str, bytes | str] | Sequence[tuple[str, bytes | str]]


@dataclass(frozen=True)
class Consumed:
    topic: str
    partition: int
    offset: int
    key: str | None
    value: bytes | None
    headers: dict[str, bytes] = field(default_factory=dict)
    received: Received | None = None  # the decoded envelope and event; None when poison
    error: str | None = None  # PoisonMessage.reason when the value does not decode

    @property
    def event(self):
        return self.received.event if self.received else None


def produce(
    bootstrap: str,
    topic: str,
    key: str | bytes | None,
    value_bytes: bytes | None,
    headers: Headers | None = None,
    *,
    partition: int | None = None,
    timeout: float = 10.0,
    **security,
):
    """Send one record and wait for its acknowledgement; returns kafka-python RecordMetadata."""
    items = headers.items() if isinstance(headers, Mapping) else (headers or [])
    encoded = [(k, v.encode() if isinstance(v, str) else bytes(v)) for k, v in items]
    if isinstance(key, str):
        key = key.encode()
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", **security)
    try:
        future = producer.send(
            topic, value=value_bytes, key=key, headers=encoded, partition=partition
        )
        return future.get(timeout=timeout)
    finally:
        producer.close(timeout=timeout)


def consume_all(
    bootstrap: str,
    topic: str,
    timeout: float = 10.0,
    *,
    expect: int | None = None,
    **security,
) -> list[Consumed]:
    """Every record of `topic` from offset 0, decoded with `shared.contracts.envelope.decode`.

    Without `expect`: reads up to the end offsets seen at the start, then returns.
    With `expect`: keeps reading until at least `expect` records arrived or `timeout` passed
    (for records that other processes are still producing). Uses no consumer group; records
    are ordered by partition, then offset.
    """
    deadline = time.monotonic() + timeout
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
        auto_offset_reset="earliest", allow_auto_create_topics=False, **security,
    )
    try:
        partitions = None
        while not partitions:
            partitions = consumer.partitions_for_topic(topic)
            if not partitions:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"topic {topic} has no partitions (does it exist?)")
                time.sleep(0.1)
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        ends = consumer.end_offsets(assigned)
        records = []
        while time.monotonic() < deadline:
            if expect is None and all(consumer.position(tp) >= ends[tp] for tp in assigned):
                break
            if expect is not None and len(records) >= expect:
                break
            batch = consumer.poll(timeout_ms=200)
            for tp_records in batch.values():
                records.extend(tp_records)
        if expect is None and not all(consumer.position(tp) >= ends[tp] for tp in assigned):
            raise TimeoutError(f"did not reach the end of {topic} within {timeout}s")
    finally:
        consumer.close(autocommit=False)
    records.sort(key=lambda r: (r.partition, r.offset))
    return [_decoded(r) for r in records]


def _decoded(record) -> Consumed:
    received, error = None, None
    try:
        received = decode(record.value)
    except PoisonMessage as exc:
        error = exc.reason
    return Consumed(
        topic=record.topic, partition=record.partition, offset=record.offset,
        key=record.key.decode("utf-8", errors="replace") if record.key is not None else None,
        value=record.value, headers={k: bytes(v) for k, v in (record.headers or [])},
        received=received, error=error,
    )
