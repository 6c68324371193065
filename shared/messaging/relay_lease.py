"""One outbox relay per outbox: the relay that holds the lease publishes, the others stand by.

Allocation's API and worker (and any replica) each start a relay over the same database. On
SQLite the relay reads its rows, lets the write lock go during network I/O and marks them
afterwards, so two relays published the same rows twice. The lease is one the operating
system or the database ends by itself when its holder dies, so a crashed owner never blocks
the outbox:

- SQLite: an exclusive `flock` on a file beside the database (SQLite is local to one host);
- PostgreSQL: a session-level advisory lock on a connection the holder keeps open;
- anything else: every relay may publish.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)


class RelayLease:
    """`held()` answers whether this relay may publish now, taking the lease when it is free."""

    def __init__(self, engine: Engine, name: str):
        self.engine = engine
        self.name = name
        self._file: IO | None = None
        self._connection: Connection | None = None

    def held(self) -> bool:
        dialect = self.engine.dialect.name
        if dialect == "sqlite":
            return self._held_sqlite()
        if dialect == "postgresql":
            return self._held_postgres()
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file drops the flock
            self._file = None
        if self._connection is not None:
            # invalidate: a pooled connection would keep its session, and the lock with it
            with contextlib.suppress(Exception):  # the session may be gone already
                self._connection.invalidate()
                self._connection.close()
            self._connection = None

    # SQLite: a lock file beside the database file
    def _held_sqlite(self) -> bool:
        if self._file is not None:
            return True
        database = self.engine.url.database
        if not database or database == ":memory:":
            return True  # a private in-memory database has one relay
        lock = open(Path(database).with_name(f"{Path(database).name}.{self.name}.lock"), "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            return False
        self._file = lock
        log.info("outbox relay took the lease", extra={"lease": self.name})
        return True

    # PostgreSQL: an advisory lock, held while our session lives
    def _held_postgres(self) -> bool:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT 1"))
                self._connection.commit()
                return True
            except Exception:  # noqa: BLE001 - the session died, and the lock with it
                self.release()
        connection = self.engine.connect()
        try:
            taken = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"),
                                      {"key": advisory_key(self.name)})
            connection.commit()
        except Exception:
            connection.close()
            raise
        if not taken:
            connection.close()
            return False
        self._connection = connection
        log.info("outbox relay took the lease", extra={"lease": self.name})
        return True


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (PostgreSQL advisory locks take a bigint)."""
    digest = hashlib.blake2b(f"woonregie:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
