"""What runs beside the registry's API: seeding reference data at start, and the consumer
of the corporations' vacancy feed. Both are `shared.api.Lifecycle`s."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from services.registry.domain.commands import SeedReferenceData
from services.registry.domain.reference import ReferenceData
from shared import topics
from shared.api import Lifecycle
from shared.consuming import EventProcessor, Inbound, Outcome, run_consumer_loop
from shared.dlq import DeadLetter
from shared.envelope import PoisonMessage, decode
from shared.events import FeedVacancyReported
from shared.kafka_clients import make_consumer
from shared.settings import RegistrySettings

log = logging.getLogger(__name__)


class ReferenceSeed(Lifecycle):
    """On start: store the reference municipalities and publish the new or changed ones.

    Runs before the API answers; a database that is not there stops the start, loudly.
    """

    def __init__(self, bus, reference: ReferenceData):
        self.bus = bus
        self.reference = reference
        self.published: list[str] = []

    def start(self) -> None:
        self.published = self.bus.handle(SeedReferenceData(self.reference))


def corporation_mismatch(message: Inbound) -> str | None:
    """Why a record on a corporation's own feed topic cannot be taken, or None.

    The broker lets only that corporation write its topic (a prefixed ACL), so the topic name
    says who wrote the record; a record claiming another corporation is refused, whatever it
    says. On the shared feed topic the record's field is all there is.
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
    def dead_letters(self):
        return self.processor.dead_letters

    @property
    def counts(self) -> dict[Outcome, int]:
        return self.processor.counts

    def process(self, message: Inbound) -> Outcome:
        reason = corporation_mismatch(message)
        if reason is None:
            return self.processor.process(message)
        self.dead_letters.publish(DeadLetter(
            topic=message.topic, partition=message.partition, offset=message.offset,
            key=message.key, value=message.value, headers=message.headers,
            consumer=self.processor.consumer, error=f"rejected by the feed: {reason}"))
        self.counts[Outcome.DEAD_LETTERED] += 1
        return Outcome.DEAD_LETTERED


class FeedConsumer(Lifecycle):
    """kafka-python loop over the corporations' feeds in its own consumer group: every
    `registry.feed.<corporation>.v1` (subscribed by pattern, new ones found within
    `feed_topics_refresh_ms`) and the shared registry.vacancy-feed.v1.

    Offsets are committed after each batch's effects; on a broker or database failure the
    loop reconnects and the uncommitted records come back (the ledger drops repeats).
    """

    def __init__(self, settings: RegistrySettings,
                 processor_factory: Callable[[], EventProcessor]):
        self.settings = settings
        self.processor_factory = processor_factory
        self.processor: CorporationCheckedProcessor | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="registry-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(15)
        if self.processor is not None:  # its dead-letter producer would outlive the app
            self.processor.dead_letters.producer.close(timeout=2)

    def _run(self) -> None:
        while not self._stop.is_set():
            consumer = None
            try:
                consumer = make_consumer(
                    self.settings, group_id=self.settings.feed_consumer_group,
                    metadata_max_age_ms=self.settings.feed_topics_refresh_ms)
                consumer.subscribe(pattern=topics.FEED_SUBSCRIPTION)
                self.processor = CorporationCheckedProcessor(self.processor_factory())
                run_consumer_loop(consumer, self.processor, self._stop)
            except Exception:  # broker away or a database error: reconnect, redeliver
                log.exception("vacancy feed consumer failed; restarting")
                self._stop.wait(2.0)
            finally:
                if consumer is not None:
                    try:
                        consumer.close(autocommit=False)
                    except Exception:  # closing after a failure may fail as well
                        pass
