"""Unit of work on SQL: state changes and the events they produce commit together.

Each service subclasses `SqlUnitOfWork` to add its repositories. `emit` stages an event in
the outbox inside the same transaction (the rows are inserted together, in order, by `commit`);
nothing is published unless `commit` succeeds. `on_commit`, when set (the Runtime sets it to
wake its outbox relay), runs after a commit that staged events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, MetaData, Table
from sqlalchemy.orm import Session

from shared.contracts.events import Event
from shared.messaging.ledger import (
    already_processed,
    ledger_table,
    mark_all_processed,
    mark_processed,
    processed_among,
)
from shared.messaging.outbox import outbox_table, outbox_values


@dataclass(frozen=True)
class InfraTables:
    outbox: Table
    ledger: Table

    @classmethod
    def on(cls, metadata: MetaData) -> "InfraTables":
        return cls(outbox=outbox_table(metadata), ledger=ledger_table(metadata))


class SqlUnitOfWork:
    def __init__(self, engine: Engine, infra: InfraTables, source: str):
        self.engine = engine
        self.infra = infra
        self.source = source
        self.emitted: list[str] = []
        self.on_commit: Callable[[], None] | None = None
        self._outbox_rows: list[dict] = []

    def __enter__(self):
        self.session = Session(self.engine, expire_on_commit=False)
        self.emitted = []
        self._outbox_rows = []
        self._open_repositories()
        return self

    def __exit__(self, *exc_info) -> None:
        self.session.rollback()
        self.session.close()

    def _open_repositories(self) -> None:
        """Subclasses attach their repositories to `self.session` here."""

    def emit(self, event: Event, *, event_id: str | None = None,
             time: datetime | None = None) -> str:
        values = outbox_values(event, source=self.source, event_id=event_id, time=time)
        self._outbox_rows.append(values)
        self.emitted.append(values["event_id"])
        return values["event_id"]

    def seen(self, consumer: str, event_id: str) -> bool:
        return already_processed(self.session, self.infra.ledger, consumer, event_id)

    def mark_seen(self, consumer: str, event_id: str) -> None:
        mark_processed(self.session, self.infra.ledger, consumer, event_id)

    def seen_among(self, consumer: str, event_ids: list[str]) -> set[str]:
        return processed_among(self.session, self.infra.ledger, consumer, event_ids)

    def mark_all_seen(self, consumer: str, event_ids: list[str]) -> None:
        mark_all_processed(self.session, self.infra.ledger, consumer, event_ids)

    def flush_outbox(self) -> None:
        """Insert the events staged so far (one statement); `commit` does it anyway."""
        if self._outbox_rows:
            rows, self._outbox_rows = self._outbox_rows, []
            self.session.execute(self.infra.outbox.insert(), rows)

    def commit(self) -> None:
        staged = bool(self._outbox_rows)
        self.flush_outbox()
        self.session.commit()
        if staged and self.on_commit is not None:
            self.on_commit()

    def rollback(self) -> None:
        self._outbox_rows = []
        self.session.rollback()
