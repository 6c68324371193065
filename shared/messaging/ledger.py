"""Idempotent-consumer ledger: which event ids a consumer has already processed.

The ledger row is written in the same transaction as the consumer's effects, so a
redelivered or duplicated event (same CloudEvents id) changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Column, MetaData, String, Table, select
from sqlalchemy.orm import Session

from shared.contracts.periods import utcnow
from shared.db import UTCDateTime


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


def processed_among(session: Session, table: Table, consumer: str,
                    event_ids: Iterable[str]) -> set[str]:
    """Which of `event_ids` the consumer has already processed (one query per 500 ids)."""
    ids = list(dict.fromkeys(event_ids))
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(session.execute(
            select(table.c.event_id).where(
                table.c.consumer == consumer, table.c.event_id.in_(chunk))).scalars())
    return found


def mark_all_processed(session: Session, table: Table, consumer: str,
                       event_ids: Iterable[str]) -> None:
    now = utcnow()
    rows = [{"consumer": consumer, "event_id": event_id, "processed_at": now}
            for event_id in event_ids]
    if rows:
        session.execute(table.insert(), rows)
