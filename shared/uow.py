"""Unit of work on SQL: state changes and the events they produce commit together.

Each service subclasses `SqlUnitOfWork` to add its repositories. `emit` stages an event in
the outbox inside the same transaction; nothing is published unless `commit` succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, MetaData, Table
from sqlalchemy.orm import Session

from shared.events import Event
from shared.ledger import already_processed, ledger_table, mark_processed
from shared.outbox import add_to_outbox, outbox_table


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

    def __enter__(self):
        self.session = Session(self.engine, expire_on_commit=False)
        self.emitted = []
        self._open_repositories()
        return self

    def __exit__(self, *exc_info) -> None:
        self.session.rollback()
        self.session.close()

    def _open_repositories(self) -> None:
        """Subclasses attach their repositories to `self.session` here."""

    def emit(self, event: Event, *, event_id: str | None = None) -> str:
        event_id = add_to_outbox(
            self.session, self.infra.outbox, event, source=self.source, event_id=event_id
        )
        self.emitted.append(event_id)
        return event_id

    def seen(self, consumer: str, event_id: str) -> bool:
        return already_processed(self.session, self.infra.ledger, consumer, event_id)

    def mark_seen(self, consumer: str, event_id: str) -> None:
        mark_processed(self.session, self.infra.ledger, consumer, event_id)

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
