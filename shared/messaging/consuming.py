"""The consuming side, shared by Faust agents and kafka-python loops.

`EventProcessor.process` decodes one message, skips it when the ledger has seen its id,
hands it to the service layer inside a unit of work, and marks it seen in the same
transaction. `process_batch` does the same for a batch of messages in ONE unit of work (one
ledger query, one commit for all their effects and ledger rows), as the allocation worker does
with what it takes from Kafka at a time. A message that can never be processed (malformed,
unknown type or major version, rejected by the domain) goes to the DLQ with the reason, and
the consumer goes on.
Infrastructure errors propagate, so the offset is not committed and the message comes back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from shared.contracts.envelope import PoisonMessage, Received, decode
from shared.messaging.dlq import DeadLetter, DeadLetterPublisher
from shared.messaging.uow import SqlUnitOfWork
from shared.telemetry import consume_batch_span, consume_span

log = logging.getLogger(__name__)


class Rejected(Exception):
    """A well-formed event the service can never apply; it goes to the DLQ with this reason."""


class Outcome(StrEnum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    DEAD_LETTERED = "dead-lettered"


@dataclass(frozen=True)
class Inbound:
    topic: str
    partition: int | None
    offset: int | None
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]] = field(default_factory=list)

    @classmethod
    def from_kafka_python(cls, record) -> "Inbound":
        return cls(record.topic, record.partition, record.offset, record.key, record.value,
                   list(record.headers or []))

    @classmethod
    def from_faust(cls, event) -> "Inbound":
        message = event.message
        headers = message.headers or []
        if isinstance(headers, dict):
            headers = list(headers.items())
        return cls(message.topic, message.partition, message.offset, message.key,
                   event.value if isinstance(event.value, bytes) else message.value,
                   [(k, v) for k, v in headers])


Handler = Callable[[SqlUnitOfWork, Received], None]


@dataclass
class PreparedBatch:
    """A batch after decoding: poison is already in the DLQ (`received` None for it)."""

    messages: Sequence[Inbound]
    received: list[Received | None]
    rejected: dict[int, str] = field(default_factory=dict)  # index -> reason, in the DLQ


class _RejectedAt(Exception):
    def __init__(self, index: int):
        self.index = index


class EventProcessor:
    """`clean_rejections`: the handler promises that when it raises `Rejected` it has left
    nothing behind in the unit of work (it refuses before changing anything), so a batch goes
    on past a rejected message; otherwise the batch is rolled back and redone without it."""

    def __init__(self, consumer: str, uow_factory: Callable[[], SqlUnitOfWork],
                 handler: Handler, dead_letters: DeadLetterPublisher, *,
                 clean_rejections: bool = False):
        self.consumer = consumer
        self.uow_factory = uow_factory
        self.handler = handler
        self.dead_letters = dead_letters
        self.clean_rejections = clean_rejections
        self.counts: dict[Outcome, int] = {outcome: 0 for outcome in Outcome}

    def process(self, message: Inbound) -> Outcome:
        outcome = self._process(message)
        self.counts[outcome] += 1
        return outcome

    def _process(self, message: Inbound) -> Outcome:
        try:
            received = decode(message.value)
        except PoisonMessage as exc:
            with consume_span(message.topic, None, message.headers, self.consumer):
                self._dead_letter(message, exc.reason)
            return Outcome.DEAD_LETTERED
        with consume_span(message.topic, received.id, message.headers, self.consumer):
            return self._apply(message, received)

    def _apply(self, message: Inbound, received: Received) -> Outcome:
        with self.uow_factory() as uow:
            if uow.seen(self.consumer, received.id):
                return Outcome.DUPLICATE
            try:
                self.handler(uow, received)
            except Rejected as exc:
                uow.rollback()
                self._dead_letter(message, f"rejected by {self.consumer}: {exc}")
                uow.mark_seen(self.consumer, received.id)
                uow.commit()
                return Outcome.DEAD_LETTERED
            uow.mark_seen(self.consumer, received.id)
            uow.commit()
        return Outcome.HANDLED

    # --- batches ----------------------------------------------------------------------------

    def process_batch(self, messages: Sequence[Inbound]) -> list[Outcome]:
        """Every message of the batch, in order, in one unit of work; one outcome each.

        Returning means all their effects and ledger rows are committed, or the message is in
        the DLQ: poison (undecodable) at once, a `Rejected` one with its reason while the
        others still apply. A duplicate (in the ledger, or earlier in the same batch) changes
        nothing. Any other exception leaves nothing of the batch committed: the caller
        retries it or has it redelivered.
        """
        return self.apply_batch(self.prepare_batch(messages))

    def prepare_batch(self, messages: Sequence[Inbound]) -> PreparedBatch:
        received: list[Received | None] = []
        for message in messages:
            try:
                received.append(decode(message.value))
            except PoisonMessage as exc:
                with consume_span(message.topic, None, message.headers, self.consumer):
                    self._dead_letter(message, exc.reason)
                received.append(None)
        return PreparedBatch(messages, received)

    def apply_batch(self, batch: PreparedBatch) -> list[Outcome]:
        while True:
            try:
                outcomes = self._apply_batch(batch)
                break
            except _RejectedAt as rejection:  # redo without it (already in the DLQ)
                log.info("batch redone without a rejected message",
                         extra={"consumer": self.consumer, "index": rejection.index})
        for outcome in outcomes:
            self.counts[outcome] += 1
        return outcomes

    def _apply_batch(self, batch: PreparedBatch) -> list[Outcome]:
        outcomes = [Outcome.DEAD_LETTERED] * len(batch.messages)  # poison stays so
        with self.uow_factory() as uow, self._batch_span(batch):
            seen = uow.seen_among(self.consumer, [r.id for r in batch.received if r])
            fresh: list[str] = []
            for index, (message, received) in enumerate(zip(batch.messages, batch.received)):
                if received is None:
                    continue
                if received.id in seen:
                    outcomes[index] = Outcome.DUPLICATE
                    continue
                seen.add(received.id)
                fresh.append(received.id)
                if index in batch.rejected:
                    continue
                outcomes[index] = self._apply_in_batch(uow, batch, index, message, received)
            uow.mark_all_seen(self.consumer, fresh)
            uow.commit()
        return outcomes

    def _batch_span(self, batch: PreparedBatch):
        topics = sorted({message.topic for message in batch.messages})
        return consume_batch_span(
            ",".join(topics),
            [(received.id, message.headers)
             for message, received in zip(batch.messages, batch.received) if received],
            self.consumer)

    def _apply_in_batch(self, uow: SqlUnitOfWork, batch: PreparedBatch, index: int,
                        message: Inbound, received: Received) -> Outcome:
        try:
            self.handler(uow, received)
        except Rejected as exc:
            reason = f"rejected by {self.consumer}: {exc}"
            if not self.clean_rejections:
                uow.rollback()
                self._dead_letter(message, reason)
                batch.rejected[index] = reason
                raise _RejectedAt(index) from exc
            self._dead_letter(message, reason)
            batch.rejected[index] = reason
            return Outcome.DEAD_LETTERED
        return Outcome.HANDLED

    def _dead_letter(self, message: Inbound, reason: str) -> None:
        self.dead_letters.publish(DeadLetter(
            topic=message.topic, partition=message.partition, offset=message.offset,
            key=message.key, value=message.value, headers=message.headers,
            consumer=self.consumer, error=reason,
        ))


def run_consumer_loop(consumer, processor: EventProcessor, stop: threading.Event,
                      poll_ms: int = 500) -> None:
    """kafka-python loop: what one poll returns is processed as one batch
    (`process_batch`), and its offsets are committed only after the batch's effects are."""
    while not stop.is_set():
        batches = consumer.poll(timeout_ms=poll_ms)
        messages = [Inbound.from_kafka_python(record)
                    for records in batches.values() for record in records]
        if messages:  # one transaction per poll: per message, commits cost more than the work
            processor.process_batch(messages)
            consumer.commit()


class ConsumerThread:
    """A kafka-python consumer group on a daemon thread beside an API (a `Lifecycle`).

    Each round opens a consumer and a processor, and reads until stopped. On a broker or
    database failure the round ends, both are closed, and the next round reconnects: the
    records whose offsets were not committed come back, and the ledger drops the repeats.
    """

    def __init__(self, name: str, open_consumer: Callable[[], object],
                 open_processor: Callable[[], EventProcessor], *,
                 retry_seconds: float = 2.0, join_seconds: float = 5.0):
        self.name = name
        self.open_consumer = open_consumer
        self.open_processor = open_processor
        self.retry_seconds = retry_seconds
        self.join_seconds = join_seconds
        self.processor: EventProcessor | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            # a round polls every 0.5 s; only a client still looking for an absent broker
            # takes longer, and that daemon thread has nothing left to lose
            self._thread.join(self.join_seconds)

    def _run(self) -> None:
        while not self._stop.is_set():
            consumer = None
            self.processor = None
            try:
                self.processor = self.open_processor()
                consumer = self.open_consumer()
                run_consumer_loop(consumer, self.processor, self._stop)
            except Exception as exc:  # broker away or a database error: reconnect, redeliver
                log.warning("consumer failed; reconnecting",
                            extra={"consumer": self.name, "error": repr(exc)[:500]})
                self._stop.wait(self.retry_seconds)
            finally:
                _close(consumer, autocommit=False)
                if self.processor is not None:  # its dead-letter producer ends with the round
                    _close(self.processor.dead_letters.producer, timeout=2)


def _close(client, **options) -> None:
    if client is None:
        return
    try:
        client.close(**options)
    except Exception:  # closing after a failure may fail as well; the client is dropped
        pass


def event_consumer(name: str, settings, topic_names: Sequence[str], *, group_id: str,
                   uow_factory: Callable[[], SqlUnitOfWork], handler: Handler,
                   producer_factory: Callable[[], object]) -> ConsumerThread:
    """A `ConsumerThread` reading `topic_names` in `group_id`, each event through `handler`
    in a unit of work under the ledger name `name`, poison to the DLQ."""
    from shared.messaging.kafka_clients import make_consumer

    return ConsumerThread(
        name,
        lambda: make_consumer(settings, *topic_names, group_id=group_id),
        lambda: EventProcessor(name, uow_factory, handler,
                               DeadLetterPublisher(producer_factory())),
    )
