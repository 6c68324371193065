"""Monitoring's tables. The read models live in memory (rebuilt from the topics at every
start); the database keeps only what must survive a restart so that no alert is sent twice:
the last status band per municipality, the alerts already emitted, and the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field

from shared.db import UTCDateTime, service_base
from shared.messaging.uow import InfraTables

Base = service_base("monitoring")
INFRA = InfraTables.on(Base.metadata)


class BandStatusRow(Base, table=True):
    """The last status band seen for a municipality under an agreement (scope, period)."""

    __tablename__ = "band_statuses"

    scope: str = Field(primary_key=True, max_length=80)
    period: str = Field(primary_key=True, max_length=10)
    municipality: str = Field(primary_key=True, max_length=6)
    status: str = Field(max_length=20)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class AlertRow(Base, table=True):
    """An alert emitted to monitoring.alerts.v1; `id` is also the CloudEvents id."""

    __tablename__ = "alerts"

    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=40, index=True)
    scope: str = Field(max_length=80)
    period: str | None = Field(default=None, max_length=10)
    municipality: str = Field(max_length=6, index=True)
    proposal_id: str | None = Field(default=None, max_length=100, index=True)
    data: dict = Field(sa_column=Column(JSON, nullable=False))
    emitted_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
