"""Idempotent-consumer ledger: which event ids a consumer has already processed.

The ledger row is written in the same transaction as the consumer's effects, so a
redelivered or duplicated event (same CloudEvents id) changes nothing.
"""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table, select
from sqlalchemy.orm import Session

from shared.db import UTCDateTime
from shared.periods import utcnow


def ledger_table(metadata: MetaData) -> Table:
    return Table(
        "processed_events",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("processed_at", UTCDateTime, nullable=False),
    )


def already_processed(session: Session, table: Table, consumer: str, event_id: str) -> bool:
    found = session.execute(
        select(table.c.event_id).where(
            table.c.consumer == consumer, table.c.event_id == event_id
        )
    ).first()
    return found is not None


def mark_processed(session: Session, table: Table, consumer: str, event_id: str) -> None:
    session.execute(
        table.insert().values(consumer=consumer, event_id=event_id, processed_at=utcnow())
    )
