"""Database plumbing shared by the services: engines, a per-service table registry, UTC times.

Each service declares its tables on its own `ServiceBase` (its own SQLAlchemy registry and
metadata), so one service's migrations never touch another's tables even when tests import
all services into one process.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import DateTime, Engine, TypeDecorator, create_engine, event
from sqlalchemy.orm import registry
from sqlmodel import SQLModel


def service_base(name: str) -> type[SQLModel]:
    """A fresh SQLModel base with its own metadata, for one service."""
    return type(f"{name.title()}Base", (SQLModel,), {}, registry=registry())


class UTCDateTime(TypeDecorator):
    """Stores timezone-aware datetimes as UTC; returns them aware, on SQLite as well."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC times only")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling is switched off so that `_sqlite_begin_immediate`
    # can take the write lock at BEGIN: two processes (API and worker) share one file.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


READ_ONLY = {"woonregie_read_only": True}  # execution options of a reading transaction


def _sqlite_begin_immediate(connection: Any) -> None:
    # A reading transaction (marked READ_ONLY) begins deferred: in WAL mode it then never
    # waits for a writer nor holds one up, as the outbox relays' reads did.
    read_only = connection.get_execution_options().get("woonregie_read_only", False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
