"""The portal's consumer of the topics that tell what waits for whom.

allocation.proposals.v1, intake.candidates.v1 and monitoring.alerts.v1 are read with
shared.consuming (ledger dedupe, DLQ for poison, offsets committed after the notices are);
each event raises or settles notices (services.portal.notifications.model).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from services.portal.notifications.model import notices_for, settled_by
from services.portal.notifications.store import NotificationsUnitOfWork
from shared import topics
from shared.api import Lifecycle
from shared.consuming import EventProcessor, run_consumer_loop
from shared.dlq import DeadLetterPublisher
from shared.envelope import Received
from shared.events import CandidateProposed, ProposalStalled
from shared.kafka_clients import make_consumer

log = logging.getLogger(__name__)
CONSUMER_NAME = "portal-notifications"
TOPICS = (topics.PROPOSALS.name, topics.CANDIDATES.name, topics.ALERTS.name)


def apply_event(uow: NotificationsUnitOfWork, received: Received) -> None:
    event = received.event
    if isinstance(event, CandidateProposed):
        uow.notices.remember_proposal(event.proposal_id, event.corporation)
    corporation = None
    if isinstance(event, ProposalStalled):
        corporation = uow.notices.corporation_of(event.proposal_id)
        if corporation is None:
            log.info("stalled proposal of a corporation not known here",
                     extra={"proposal_id": event.proposal_id})
    for notice in notices_for(event, corporation):
        uow.notices.raise_(notice)
    settles = settled_by(event)
    if settles is not None:
        uow.notices.settle(settles)


class NotificationConsumer(Lifecycle):
    def __init__(self, settings, uow_factory: Callable, producer_factory: Callable, *,
                 consumer_factory: Callable = make_consumer):
        self.settings = settings
        self.uow_factory = uow_factory
        self.producer_factory = producer_factory
        self.consumer_factory = consumer_factory
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="portal-notifications",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.is_set():
            consumer = producer = None
            try:
                producer = self.producer_factory()  # for the DLQ; closed with the loop
                processor = EventProcessor(CONSUMER_NAME, self.uow_factory, apply_event,
                                           DeadLetterPublisher(producer))
                consumer = self.consumer_factory(
                    self.settings, *TOPICS, group_id=self.settings.notifications_consumer_group)
                run_consumer_loop(consumer, processor, self._stop)
            except Exception as exc:  # broker away or a database error: reconnect, redeliver
                log.warning("notifications consumer failed; restarting",
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
