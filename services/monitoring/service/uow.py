"""Monitoring's unit of work: the spine's SQL unit of work plus the alert log."""

from __future__ import annotations

from services.monitoring.adapters.repository import AlertLog
from shared.messaging.uow import SqlUnitOfWork


class MonitoringUnitOfWork(SqlUnitOfWork):
    def _open_repositories(self) -> None:
        self.alerts = AlertLog(self.session)
