"""The portal's consumer of the topics that tell what waits for whom.

allocation.proposals.v1, intake.candidates.v1 and monitoring.alerts.v1 are read with
shared.messaging.consuming (ledger dedupe, DLQ for poison, offsets committed after the notices are);
each event raises or settles notices (services.portal.notifications.model).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from services.portal.notifications.model import notices_for, settled_by
from services.portal.notifications.store import NotificationsUnitOfWork
from shared.contracts import topics
from shared.contracts.envelope import Received
from shared.contracts.events import CandidateProposed, ProposalStalled
from shared.messaging.consuming import ConsumerThread, event_consumer

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


def notification_consumer(settings, uow_factory: Callable,
                          producer_factory: Callable) -> ConsumerThread:
    """The consumer thread that keeps the notices, in its own consumer group."""
    return event_consumer(CONSUMER_NAME, settings, TOPICS,
                          group_id=settings.notifications_consumer_group,
                          uow_factory=uow_factory, handler=apply_event,
                          producer_factory=producer_factory)
