"""Processing one consumed message until it is done, whatever goes wrong on the way.

The worker acknowledges a message only after this returns, so returning means its effects are
committed (or it is in the DLQ). Three kinds of failure:
- a concurrent change of the scope (version conflict, unique key): redo at once;
- infrastructure away (database, broker for the DLQ): wait with backoff and retry, as long as
  it takes: skipping the message would lose it;
- anything else is a bug that a retry will not cure: after a few attempts the message goes to
  the DLQ with the error, so one bad message cannot stop the scope's whole stream. Should the
  DLQ refuse it too, the message waits (with backoff, logged): blocking is visible in the
  consumer lag, a dropped message is not.

`process_batch` does the same for a batch in one unit of work (EventProcessor.process_batch):
a conflict or an outage redoes the whole batch; a bug falls back to processing the batch's
messages one by one as above, which finds the culprit and dead-letters it alone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from kafka.errors import KafkaError
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from services.allocation.adapters.aggregate_store import VersionConflict
from shared.contracts.envelope import PoisonMessage, decode
from shared.messaging.consuming import EventProcessor, Inbound, Outcome, PreparedBatch
from shared.messaging.dlq import DeadLetter

log = logging.getLogger(__name__)

CONFLICTS = (VersionConflict, IntegrityError)
TRANSIENT = (OperationalError, InterfaceError, KafkaError, OSError, TimeoutError)


class Stopping(Exception):
    """The worker stops while a message waits for its infrastructure; it stays unacked."""


class PatientProcessor:
    def __init__(self, processor: EventProcessor, *, bug_attempts: int = 3,
                 conflict_attempts: int = 50, first_backoff: float = 0.2,
                 max_backoff: float = 10.0, stop: threading.Event | None = None,
                 sleep: Callable[[float], object] | None = None):
        self.processor = processor
        self.bug_attempts = bug_attempts
        self.conflict_attempts = conflict_attempts  # beyond this, a "conflict" is a bug
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.stop = stop or threading.Event()
        self._sleep = sleep or self.stop.wait
        self.conflicts = 0  # redone after a concurrent change, for tests and diagnostics

    @property
    def counts(self):
        return self.processor.counts

    def process(self, message: Inbound) -> Outcome:
        backoff, bugs, conflicts = self.first_backoff, 0, 0
        failure: str | None = None  # set once the message is judged a bug: dead-letter it
        while True:
            if self.stop.is_set():
                raise Stopping(f"{message.topic}:{message.partition}@{message.offset}")
            try:
                if failure is not None:
                    self._dead_letter(message, failure)
                    return Outcome.DEAD_LETTERED
                return self.processor.process(message)
            except CONFLICTS as exc:
                self.conflicts += 1
                conflicts += 1
                if conflicts >= self.conflict_attempts:
                    failure = failure or self._reason(exc)
            except Exception as exc:
                if failure is None and not isinstance(exc, TRANSIENT):
                    bugs += 1
                    log.exception("unexpected error processing a message",
                                  extra={"attempt": bugs, "topic": message.topic,
                                         "offset": message.offset})
                    if bugs >= self.bug_attempts:
                        failure = self._reason(exc)
                    continue
                # infrastructure away, or the DLQ itself refuses: wait, never drop the message
                log.warning("cannot process or dead-letter the message yet; retrying",
                            extra={"error": repr(exc)[:500], "backoff": backoff,
                                   "topic": message.topic, "offset": message.offset})
                self._sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)

    def process_batch(self, messages: Sequence[Inbound]) -> list[Outcome]:
        if len(messages) == 1:
            return [self.process(messages[0])]
        backoff, conflicts = self.first_backoff, 0
        prepared: PreparedBatch | None = None
        while True:
            if self.stop.is_set():
                first = messages[0]
                raise Stopping(f"{first.topic}:{first.partition}@{first.offset} "
                               f"and {len(messages) - 1} more")
            try:
                if prepared is None:
                    prepared = self.processor.prepare_batch(messages)
                return self.processor.apply_batch(prepared)
            except CONFLICTS:
                self.conflicts += 1
                conflicts += 1
                if conflicts >= self.conflict_attempts:
                    break
            except TRANSIENT as exc:
                log.warning("cannot process the batch yet; retrying",
                            extra={"error": repr(exc)[:500], "backoff": backoff,
                                   "messages": len(messages)})
                self._sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
            except Exception:
                log.warning("a batch failed; processing its messages one by one",
                            exc_info=True, extra={"messages": len(messages)})
                break
        return self._one_by_one(messages, prepared)

    def _one_by_one(self, messages: Sequence[Inbound], prepared: PreparedBatch | None
                    ) -> list[Outcome]:
        outcomes = []
        for index, message in enumerate(messages):
            if prepared is not None and prepared.received[index] is None:
                # poison, already in the DLQ
                self.processor.counts[Outcome.DEAD_LETTERED] += 1
                outcomes.append(Outcome.DEAD_LETTERED)
            else:
                outcomes.append(self.process(message))
        return outcomes

    def _reason(self, exc: Exception) -> str:
        return f"unexpected error in {self.processor.consumer}: {type(exc).__name__}: {exc}"

    def _dead_letter(self, message: Inbound, reason: str) -> None:
        self.processor.dead_letters.publish(DeadLetter(
            topic=message.topic, partition=message.partition, offset=message.offset,
            key=message.key, value=message.value, headers=message.headers,
            consumer=self.processor.consumer, error=reason[:1000]))
        self.processor.counts[Outcome.DEAD_LETTERED] += 1
        try:
            received = decode(message.value)
        except PoisonMessage:
            return
        # marked seen, so a redelivery does not dead-letter it a second time
        with self.processor.uow_factory() as uow:
            if not uow.seen(self.processor.consumer, received.id):
                uow.mark_seen(self.processor.consumer, received.id)
                uow.commit()
