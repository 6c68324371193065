"""Storing the scope's Allocator: one JSON row per scope with an integer version.

`save` writes only when the row still has the version `get` read (optimistic concurrency).
Two writers that raced (two workers, a worker and the API) find out here: one commits, the
other gets `VersionConflict` and redoes its command on the newer state.

Parsing the whole scope on every event would dominate a worker's time, so parsed aggregates
are kept in an `AggregateCache` keyed by version. A unit of work *takes* the cached object (no
other thread can touch it meanwhile) and it goes back only after the transaction committed;
after a rollback the object, possibly half-changed, is dropped and the next use re-parses.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.allocation.adapters import state_codec
from services.allocation.adapters.tables import AllocatorStateRow
from services.allocation.domain import AllocationPolicy, Allocator
from shared.periods import utcnow

STATE = AllocatorStateRow.__table__


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
    """Per unit of work: `get` an aggregate, change it, `save` it (or `give_back` unchanged)."""

    def __init__(self, session: Session, cache: AggregateCache, policy: AllocationPolicy,
                 after_commit: Callable[[Callable[[], None]], None]):
        self.session = session
        self.cache = cache
        self.policy = policy
        self.after_commit = after_commit
        self._versions: dict[str, int] = {}  # scope -> version read (0: no row yet)

    def get(self, scope: str) -> Allocator:
        version = self.session.scalar(select(STATE.c.version).where(STATE.c.scope == scope))
        self._versions[scope] = version or 0
        if version is None:
            return Allocator(scope, self.policy)
        cached = self.cache.take(scope, version)
        if cached is not None:
            return cached
        document = self.session.scalar(select(STATE.c.state).where(STATE.c.scope == scope))
        return state_codec.from_document(json.loads(document), self.policy)

    def version_of(self, scope: str) -> int:
        """The version `get` read in this unit of work."""
        return self._versions[scope]

    def save(self, allocator: Allocator) -> int:
        """Write the aggregate if nobody else did since `get`; returns the new version."""
        scope = allocator.scope
        read = self._versions[scope]
        document = json.dumps(state_codec.to_document(allocator), separators=(",", ":"))
        if read == 0:
            try:
                self.session.execute(insert(STATE).values(
                    scope=scope, version=1, state=document, updated_at=utcnow()))
            except IntegrityError as exc:
                raise VersionConflict(f"scope {scope} was created concurrently") from exc
        else:
            result = self.session.execute(
                update(STATE).where(STATE.c.scope == scope, STATE.c.version == read)
                .values(version=read + 1, state=document, updated_at=utcnow()))
            if result.rowcount != 1:
                raise VersionConflict(f"scope {scope} changed since version {read}")
        saved = read + 1
        self._versions[scope] = saved
        self.after_commit(lambda: self.cache.put(scope, saved, allocator))
        return saved

    def give_back(self, allocator: Allocator) -> None:
        """Return an aggregate the command left unchanged (a domain refusal changes nothing)."""
        read = self._versions.get(allocator.scope)
        if read:
            self.cache.put(allocator.scope, read, allocator)

    def peek(self, scope: str) -> tuple[int, Allocator | None]:
        """Version and a fresh copy, for reading only (tests, diagnostics)."""
        row = self.session.execute(
            select(STATE.c.version, STATE.c.state).where(STATE.c.scope == scope)).first()
        if row is None:
            return 0, None
        return row.version, state_codec.from_document(json.loads(row.state), self.policy)
