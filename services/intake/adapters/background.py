"""The thread that expires urgencies beside intake's API, a `shared.api.Lifecycle` started
and stopped with the app (intake's consumers are `shared.messaging.consuming.event_consumer`s, wired in
bootstrap). A failure in one round is logged and retried next round; it never stops the
thread.
"""

from __future__ import annotations

import logging
import threading

from services.intake.service.commands import ExpireUrgencies
from shared.api import Lifecycle

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
