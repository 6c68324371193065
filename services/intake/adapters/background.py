"""Threads that run beside intake's API: urgency expiry, and the placements consumer.

Both are `shared.api.Lifecycle`s, started and stopped with the app. A failure in one round
is logged and retried next round; it never stops the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from services.intake.domain.commands import ExpireUrgencies
from shared import topics
from shared.api import Lifecycle
from shared.consuming import EventProcessor, run_consumer_loop
from shared.dlq import DeadLetterPublisher
from shared.kafka_clients import make_consumer

log = logging.getLogger(__name__)


class ExpiryScheduler(Lifecycle):
    """Every `interval` seconds: expire lapsed urgencies (see handlers.expire_urgencies)."""

    def __init__(self, bus, interval: float):
        self.bus = bus
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="intake-expiry", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(10)

    def run_once(self) -> list[str]:
        reply = self.bus.handle(ExpireUrgencies())
        if reply.body["expired"]:
            log.info("urgencies expired", extra={"count": len(reply.body["expired"])})
        return reply.body["expired"]

    def _run(self) -> None:
        # a first round at start: urgencies that lapsed while the service was down go now
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # database briefly away: try again next round
                log.exception("urgency expiry round failed")
            self._stop.wait(self.interval)


class PlacementConsumer(Lifecycle):
    """Consumes allocation.placements.v1 so that intake knows who has been housed
    (erasure is allowed after withdrawal or housing); with other `topic_names`, the same
    loop for other inputs (agreements and lapses)."""

    def __init__(self, settings, *, consumer_name: str, uow_factory: Callable,
                 handler: Callable, producer_factory: Callable,
                 topic_names: tuple[str, ...] = (topics.PLACEMENTS.name,)):
        self.settings = settings
        self.topic_names = topic_names
        self.consumer_name = consumer_name
        self.uow_factory = uow_factory
        self.handler = handler
        self.producer_factory = producer_factory
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.consumer_name,
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            # a loop polls every 0.5 s; only a client still looking for an absent broker
            # takes longer, and that daemon thread has nothing left to lose
            self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.is_set():
            consumer = producer = None
            try:
                producer = self.producer_factory()  # for the DLQ; closed with the loop
                processor = EventProcessor(self.consumer_name, self.uow_factory, self.handler,
                                           DeadLetterPublisher(producer))
                consumer = make_consumer(self.settings, *self.topic_names,
                                         group_id=self.settings.consumer_group)
                run_consumer_loop(consumer, processor, self._stop)
            except Exception as exc:  # broker away or a database error: reconnect, redeliver
                log.warning("placements consumer failed; restarting",
                            extra={"error": repr(exc)[:500]})
                self._stop.wait(2.0)
            finally:
                _close(consumer, autocommit=False)
                _close(producer, timeout=2)


def _close(client, **options) -> None:
    if client is None:
        return
    try:
        client.close(**options)
    except Exception:  # closing after a failure may fail as well; the client is dropped
        pass
