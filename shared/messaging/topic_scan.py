"""Read topics once, from their first offset up to the end offsets seen at start.

For rebuilding a service's state (`woonregie rebuild`): a fresh kafka-python consumer without
a consumer group (nothing is committed, no live consumer is disturbed) assigns every
partition, captures the end offsets, and hands each record to `on_record` in partition order.
Records written after the start are left for the service itself. A rich progress bar shows
the records read per topic against a total taken from the end offsets.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kafka import TopicPartition
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from shared.messaging.kafka_clients import make_consumer
from shared.settings import WoonregieSettings

METADATA_TIMEOUT_SECONDS = 30.0


class MissingTopics(Exception):
    """A topic to scan does not exist on the broker."""


@dataclass
class ScanResult:
    read: dict[str, int] = field(default_factory=dict)  # records handed over, per topic
    expected: int = 0  # offsets between beginning and captured end, all topics


def scan_topics(settings: WoonregieSettings, topic_names: Sequence[str],
                on_record: Callable[[object], None], *, console: Console | None = None,
                label: str = "") -> ScanResult:
    """Hand every record of `topic_names` up to the end offsets seen now to `on_record`."""
    consumer = make_consumer(settings, group_id=None,
                             client_id=f"woonregie-rebuild-{settings.service_name}")
    try:
        partitions = _partitions(consumer, topic_names)
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        begins = consumer.beginning_offsets(partitions)
        result = ScanResult(read={name: 0 for name in topic_names},
                            expected=sum(ends[tp] - begins[tp] for tp in partitions))
        with _progress(console) as progress:
            bars = {name: progress.add_task(f"{label}{name}", total=_expected(name, ends, begins))
                    for name in topic_names}
            total = progress.add_task(f"{label}totaal", total=result.expected)
            _read(consumer, ends, on_record, result,
                  lambda topic, n: (progress.advance(bars[topic], n), progress.advance(total, n)))
        return result
    finally:
        consumer.close(autocommit=False)


def _expected(topic: str, ends: dict, begins: dict) -> int:
    return sum(end - begins[tp] for tp, end in ends.items() if tp.topic == topic)


def _partitions(consumer, topic_names: Sequence[str]) -> list[TopicPartition]:
    deadline = time.monotonic() + METADATA_TIMEOUT_SECONDS
    while True:
        found = {name: consumer.partitions_for_topic(name) for name in topic_names}
        if all(found.values()):
            return [TopicPartition(name, p) for name, parts in found.items()
                    for p in sorted(parts)]
        if time.monotonic() > deadline:
            missing = sorted(name for name, parts in found.items() if not parts)
            raise MissingTopics(f"topics not found: {', '.join(missing)}")
        time.sleep(0.5)


def _read(consumer, ends: dict[TopicPartition, int], on_record: Callable[[object], None],
          result: ScanResult, advance: Callable[[str, int], None]) -> None:
    reached = {tp: consumer.position(tp) for tp in ends}
    pending = {tp for tp in ends if reached[tp] < ends[tp]}
    consumer.pause(*(set(ends) - pending))
    while pending:
        for tp, records in consumer.poll(timeout_ms=500, max_records=500).items():
            for record in records:
                if record.offset >= ends[tp]:
                    break  # written after the start: the service itself reads it
                on_record(record)
                result.read[tp.topic] += 1
        for tp in list(pending):  # positions also pass compacted gaps and control records
            position = min(consumer.position(tp), ends[tp])
            advance(tp.topic, position - reached[tp])
            reached[tp] = position
            if position >= ends[tp]:
                pending.discard(tp)
                consumer.pause(tp)


def _progress(console: Console | None) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console or Console(stderr=True))
