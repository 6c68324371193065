"""The consumer of the corporations' vacancy feeds: every `registry.feed.<corporation>.v1`
(subscribed by pattern, a new corporation's topic found within `feed_topics_refresh_ms`) and
the shared registry.vacancy-feed.v1, on a `shared.messaging.consuming.ConsumerThread`.

The broker lets only a corporation write its own feed topic (a PREFIXED ACL, see
docs/KAFKA-SECURITY.md), so on such a topic the topic name says who wrote a record, and a
record that claims another corporation goes to the DLQ with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from shared.contracts import topics
from shared.contracts.envelope import PoisonMessage, decode
from shared.contracts.events import FeedVacancyReported
from shared.messaging.consuming import (
    ConsumerThread,
    EventProcessor,
    Handler,
    Inbound,
    Outcome,
)
from shared.messaging.dlq import DeadLetter, DeadLetterPublisher
from shared.messaging.kafka_clients import make_consumer
from shared.messaging.uow import SqlUnitOfWork
from shared.settings import RegistrySettings


def corporation_mismatch(message: Inbound) -> str | None:
    """Why a record on a corporation's own feed topic cannot be taken, or None.

    On the shared feed topic the record's field is all there is to go by.
    """
    owner = topics.corporation_of_feed(message.topic)
    if owner is None:
        return None
    try:
        event = decode(message.value).event
    except PoisonMessage:
        return None  # the processor dead-letters it with the decoding error
    if isinstance(event, FeedVacancyReported) and event.corporation != owner:
        return (f"corporation {event.corporation!r} in the record, but {message.topic} is the "
                f"feed of {owner!r}")
    return None


class CorporationCheckedProcessor:
    """The feed's EventProcessor behind `corporation_mismatch`: a record that claims another
    corporation than its topic's goes to the DLQ with the reason, the others are processed."""

    def __init__(self, processor: EventProcessor):
        self.processor = processor

    @property
    def dead_letters(self) -> DeadLetterPublisher:
        return self.processor.dead_letters

    @property
    def counts(self) -> dict[Outcome, int]:
        return self.processor.counts

    def process(self, message: Inbound) -> Outcome:
        return self.process_batch([message])[0]

    def process_batch(self, messages: Sequence[Inbound]) -> list[Outcome]:
        """The batch's records that claim their own corporation in one unit of work."""
        reasons = [corporation_mismatch(message) for message in messages]
        checked = [m for m, reason in zip(messages, reasons) if reason is None]
        processed = iter(self.processor.process_batch(checked) if checked else [])
        return [next(processed) if reason is None else self._refuse(message, reason)
                for message, reason in zip(messages, reasons)]

    def _refuse(self, message: Inbound, reason: str) -> Outcome:
        self.dead_letters.publish(DeadLetter(
            topic=message.topic, partition=message.partition, offset=message.offset,
            key=message.key, value=message.value, headers=message.headers,
            consumer=self.processor.consumer, error=f"rejected by the feed: {reason}"))
        self.counts[Outcome.DEAD_LETTERED] += 1
        return Outcome.DEAD_LETTERED


def feed_consumer(name: str, settings: RegistrySettings, *,
                  uow_factory: Callable[[], SqlUnitOfWork], handler: Handler,
                  producer_factory: Callable[[], object]) -> ConsumerThread:
    """The feeds' consumer group thread; `name` is its ledger name."""

    def open_consumer():
        consumer = make_consumer(settings, group_id=settings.feed_consumer_group,
                                 metadata_max_age_ms=settings.feed_topics_refresh_ms)
        consumer.subscribe(pattern=topics.FEED_SUBSCRIPTION)
        return consumer

    def open_processor() -> CorporationCheckedProcessor:
        return CorporationCheckedProcessor(EventProcessor(
            name, uow_factory, handler, DeadLetterPublisher(producer_factory())))

    return ConsumerThread(name, open_consumer, open_processor)
