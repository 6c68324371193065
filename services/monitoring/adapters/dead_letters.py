"""Dead letters of the read-model consumer, sent once per message.

Every start replays the topics from offset 0, so a poison message is read again at every
start (and by every replica). The spine's consumer ledger remembers which messages
(topic:partition:offset) went to the DLQ, so each is sent once; publish first, then record
(a crash in between sends it twice, never zero times).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from shared.messaging.dlq import DeadLetter, DeadLetterPublisher

LEDGER_NAME = "monitoring.dead-letters"


class DeadLetterSink:
    """`producer_factory` makes the DLQ producer on the first dead letter; `close` ends it."""

    def __init__(self, producer_factory: Callable, uow_factory: Callable, consumer_name: str):
        self.producer_factory = producer_factory
        self.uow_factory = uow_factory
        self.consumer_name = consumer_name
        self._publisher: DeadLetterPublisher | None = None

    def publisher(self) -> DeadLetterPublisher:
        if self._publisher is None:
            self._publisher = DeadLetterPublisher(self.producer_factory())
        return self._publisher

    def close(self) -> None:
        if self._publisher is not None:
            self._publisher.producer.close(timeout=2)
            self._publisher = None

    def send(self, record, reason: str) -> bool:
        """Send `record` to its topic's DLQ unless it was sent before; True if sent now."""
        key = f"{record.topic}:{record.partition}:{record.offset}"
        with self.uow_factory() as uow:
            if uow.seen(LEDGER_NAME, key):
                return False
        self.publisher().publish(DeadLetter(
            topic=record.topic, partition=record.partition, offset=record.offset,
            key=record.key, value=record.value, headers=list(record.headers or []),
            consumer=self.consumer_name, error=reason,
        ))
        try:
            with self.uow_factory() as uow:
                uow.mark_seen(LEDGER_NAME, key)
                uow.commit()
        except IntegrityError:  # another replica sent and recorded it at the same time
            pass
        return True
