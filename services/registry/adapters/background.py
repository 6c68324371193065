"""Seeding reference data when registry's API starts, a `shared.api.Lifecycle` (the consumer
of the corporations' vacancy feed is a `shared.messaging.consuming.event_consumer`, wired in
bootstrap)."""

from __future__ import annotations

import logging

from services.registry.domain.reference import ReferenceData
from services.registry.service.commands import SeedReferenceData
from shared.api import Lifecycle

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
