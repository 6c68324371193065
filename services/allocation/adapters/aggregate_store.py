"""Storing the scope's Allocator: a version row per scope, and one row per entity.

The domain says what changed (`Allocator.stored_changes`: the entities added, changed or
gone since it was last stored), so a unit of work writes only those rows, not the whole
aggregate. The version row is written once per unit of work, at its commit (`flush`), and
only when the row still has the version `get` read (optimistic concurrency). Two writers that raced (two
workers, a worker and the API) find out there: one commits, the other gets `VersionConflict`
and redoes its work on the newer state. A unit of work may apply many commands (the worker
applies a whole batch of consumed events): every `save` counts one version, and the flush
writes the document once with the version advanced by that count, so the versions (and the
event ids derived from them) are the same as if each command had committed on its own.

Parsing the whole scope on every event would dominate a worker's time, so parsed aggregates
are kept in an `AggregateCache` keyed by version. A unit of work *takes* the cached object (no
other thread can touch it meanwhile), keeps it for all its commands, and it goes back only
after the transaction committed; after a rollback the object, possibly half-changed, is
dropped and the next use re-parses.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from itertools import groupby

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.allocation.adapters.tables import AllocatorEntityRow, AllocatorStateRow
from services.allocation.domain import AllocationPolicy, Allocator
from services.allocation.domain.stored import StoredChanges
from shared.contracts.periods import utcnow

STATE = AllocatorStateRow.__table__
ENTITIES = AllocatorEntityRow.__table__


class VersionConflict(Exception):
    """Another writer saved the scope since we read it: redo the command."""


class AggregateCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, tuple[int, Allocator]] = {}
        self.hits = 0
        self.misses = 0

    def take(self, scope: str, version: int) -> Allocator | None:
        with self._lock:
            item = self._items.pop(scope, None)
            if item is not None and item[0] == version:
                self.hits += 1
                return item[1]
            self.misses += 1
            return None

    def put(self, scope: str, version: int, allocator: Allocator) -> None:
        with self._lock:
            current = self._items.get(scope)
            if current is None or current[0] <= version:
                self._items[scope] = (version, allocator)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class AllocatorStore:
    """Per unit of work: `get` an aggregate, change it, `save` it (or `give_back` unchanged);
    the unit of work's commit calls `flush` (one write per changed scope)."""

    def __init__(self, session: Session, cache: AggregateCache, policy: AllocationPolicy,
                 after_commit: Callable[[Callable[[], None]], None]):
        self.session = session
        self.cache = cache
        self.policy = policy
        self.after_commit = after_commit
        self._versions: dict[str, int] = {}  # scope -> version read (0: no row yet)
        self._held: dict[str, Allocator] = {}  # taken in this unit of work
        self._saves: dict[str, int] = {}  # scope -> saves not yet written

    def get(self, scope: str) -> Allocator:
        held = self._held.get(scope)
        if held is not None:  # a later command of the same unit of work
            return held
        version = self.session.scalar(select(STATE.c.version).where(STATE.c.scope == scope))
        self._versions[scope] = version or 0
        if version is None:
            allocator = Allocator(scope, self.policy)
        else:
            allocator = self.cache.take(scope, version)
            if allocator is None:
                allocator = self._restore(scope)
        self._held[scope] = allocator
        return allocator

    def version_of(self, scope: str) -> int:
        """The version the next `save` in this unit of work applies to."""
        return self._versions[scope] + self._saves.get(scope, 0)

    def save(self, allocator: Allocator) -> int:
        """Count one change of the aggregate; written by `flush`. Returns the new version."""
        scope = allocator.scope
        self._held[scope] = allocator
        self._saves[scope] = self._saves.get(scope, 0) + 1
        return self.version_of(scope)

    def flush(self) -> None:
        """Write every changed aggregate once, if nobody else did since `get`."""
        for scope, saves in list(self._saves.items()):
            allocator = self._held[scope]
            read = self._versions[scope]
            if read == 0:
                try:
                    self.session.execute(insert(STATE).values(
                        scope=scope, version=saves, updated_at=utcnow()))
                except IntegrityError as exc:
                    raise VersionConflict(f"scope {scope} was created concurrently") from exc
            else:
                result = self.session.execute(
                    update(STATE).where(STATE.c.scope == scope, STATE.c.version == read)
                    .values(version=read + saves, updated_at=utcnow()))
                if result.rowcount != 1:
                    raise VersionConflict(f"scope {scope} changed since version {read}")
            # after the version check: a conflict means another writer holds the rows
            self._write(scope, allocator.stored_changes())
            saved = read + saves
            self._versions[scope] = saved
            del self._saves[scope]
            self.after_commit(lambda s=scope, v=saved, a=allocator: self.cache.put(s, v, a))

    def give_back(self, allocator: Allocator) -> None:
        """Return an aggregate the command left unchanged (a domain refusal changes nothing).
        One with changes of earlier commands of this unit of work stays until the commit."""
        scope = allocator.scope
        if scope in self._saves:
            return
        self._held.pop(scope, None)
        read = self._versions.get(scope)
        if read:
            self.cache.put(scope, read, allocator)

    def discard(self) -> None:
        """After a rollback: what this unit of work held may be half-changed; forget it."""
        self._held.clear()
        self._saves.clear()

    def peek(self, scope: str) -> tuple[int, Allocator | None]:
        """Version and a fresh copy, for reading only (tests, diagnostics)."""
        version = self.session.scalar(select(STATE.c.version).where(STATE.c.scope == scope))
        if version is None:
            return 0, None
        return version, self._restore(scope)

    def _restore(self, scope: str) -> Allocator:
        rows = self.session.execute(
            select(ENTITIES.c.kind, ENTITIES.c.key, ENTITIES.c.seq, ENTITIES.c.body)
            .where(ENTITIES.c.scope == scope).order_by(ENTITIES.c.seq))
        return Allocator.from_records(scope, (tuple(row) for row in rows), self.policy)

    def _write(self, scope: str, changes: StoredChanges) -> None:
        """Changed rows are deleted and inserted again (portable: no dialect's upsert)."""
        gone = changes.deletes + [(kind, key) for kind, key, _, _ in changes.upserts]
        for kind, pairs in groupby(sorted(gone), key=lambda pair: pair[0]):
            keys = [key for _, key in pairs]
            for start in range(0, len(keys), 500):  # below every database's bound on binds
                self.session.execute(delete(ENTITIES).where(
                    ENTITIES.c.scope == scope, ENTITIES.c.kind == kind,
                    ENTITIES.c.key.in_(keys[start:start + 500])))
        if changes.upserts:
            self.session.execute(insert(ENTITIES), [
                {"scope": scope, "kind": kind, "key": key, "seq": seq, "body": body}
                for kind, key, seq, body in changes.upserts])
