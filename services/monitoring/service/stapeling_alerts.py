"""Stapeling alerts: a wijk whose pile-up index crosses the agreement's threshold.

One alert per agreement period and wijk (a deterministic id), stored in the alert log and the
outbox in one transaction, so a restart that rebuilds the read model sends nothing twice.
Runs, like the other checks, once the read model has caught up.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from services.monitoring.service.alerts import ALERT_NAMESPACE
from services.monitoring.service.live import LiveModel
from shared.contracts.events import StapelingFlagged
from shared.contracts.periods import utcnow

log = logging.getLogger(__name__)
STAPELING_FLAGGED = "stapeling-flagged"


def stapeling_alert_id(period: str, wijk: str) -> str:
    return str(uuid.uuid5(ALERT_NAMESPACE, f"{STAPELING_FLAGGED}|{period}|{wijk}"))


class StapelingAlerts:
    def __init__(self, live: LiveModel, uow_factory: Callable,
                 on_alert: Callable[[str], None] = lambda kind: None):
        self.live = live
        self.uow_factory = uow_factory
        self.on_alert = on_alert
        self._sent: set[str] = set()

    def _flagged(self) -> list[dict]:
        def query(model):
            periods = sorted({period for (_, period), (_, threshold, _) in
                              model.thresholds.items() if threshold is not None})
            return [row for period in periods for row in model.stapeling(period)
                    if row["flagged"]]
        return self.live.read_woonzorgvisie(query)

    def check(self) -> list[str]:
        """Emit an alert for every newly flagged wijk; returns the alert ids."""
        emitted = []
        for row in self._flagged():
            alert_id = stapeling_alert_id(row["period"], row["wijk"])
            if alert_id not in self._sent and self._emit(alert_id, row):
                emitted.append(alert_id)
                self.on_alert(STAPELING_FLAGGED)
            self._sent.add(alert_id)
        return emitted

    def _emit(self, alert_id: str, row: dict) -> bool:
        event = StapelingFlagged(scope=row["municipality"], period=row["period"],
                                 municipality=row["municipality"], wijk=row["wijk"],
                                 index=row["index"], threshold=row["threshold"])
        try:
            with self.uow_factory() as uow:
                if uow.alerts.exists(alert_id):
                    return False
                at = utcnow()  # the row's time is the event's: a rebuild restores it
                uow.alerts.add(alert_id, STAPELING_FLAGGED, scope=event.scope,
                               period=event.period, municipality=event.municipality,
                               data=event.wire(), emitted_at=at)
                uow.emit(event, event_id=alert_id, time=at)
                uow.commit()
        except IntegrityError:  # another replica reported it first
            return False
        log.info("stapeling alert emitted", extra={"period": event.period, "wijk": event.wijk})
        return True
