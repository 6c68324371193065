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
from shared.consuming import EventProcessor, run_consumer_loop
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


class FeedConsumer(Lifecycle):
    """kafka-python loop over registry.vacancy-feed.v1 in its own consumer group.

    Offsets are committed after each batch's effects; on a broker or database failure the
    loop reconnects and the uncommitted records come back (the ledger drops repeats).
    """

    def __init__(self, settings: RegistrySettings,
                 processor_factory: Callable[[], EventProcessor]):
        self.settings = settings
        self.processor_factory = processor_factory
        self.processor: EventProcessor | None = None
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
                consumer = make_consumer(self.settings, topics.VACANCY_FEED.name,
                                         group_id=self.settings.feed_consumer_group)
                self.processor = self.processor_factory()
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
