"""The in-memory read model of this process, shared by the consumer thread and the API.

The consumer thread applies events; API requests read. One re-entrant lock guards the
model: every read runs a pure query under it, so a reader never sees half an event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from services.monitoring.domain import BandPolicy, MonitoringModel
from services.monitoring.domain.woonzorgvisie import WoonzorgvisieModel
from shared.contracts.envelope import Received

T = TypeVar("T")


class LiveModel:
    def __init__(self, policy: BandPolicy):
        self.model = MonitoringModel()
        self.woonzorgvisie = WoonzorgvisieModel()
        self.policy = policy
        self.lock = threading.RLock()
        self.version = 0  # +1 for every applied event: "has anything changed since?"
        self.replayed = threading.Event()  # set once the topics are read up to their end at start

    def apply(self, received: Received) -> bool:
        """Apply one decoded event (its typed event, as decoded: no second parse); False for
        a duplicate. Raises RejectedEvent (DLQ)."""
        with self.lock:
            applied = self.model.apply(received.event, received.id)
            if applied:
                self.woonzorgvisie.apply(received.event, received.envelope.time)
                self.version += 1
        return applied

    def read_woonzorgvisie(self, query: Callable[[WoonzorgvisieModel], T]) -> T:
        with self.lock:
            return query(self.woonzorgvisie)

    def read(self, query: Callable[[MonitoringModel], T]) -> T:
        """Run a query against a consistent state of the model."""
        with self.lock:
            return query(self.model)
