"""The message bus: runs a command's handler in a fresh unit of work, and runs it again when
another writer saved the scope in between (the redo sees the newer state and decides anew)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from services.allocation.adapters.aggregate_store import VersionConflict
from services.allocation.service.handlers import HANDLERS, Deps
from services.allocation.service.uow import AllocationUnitOfWork

log = logging.getLogger(__name__)
ATTEMPTS = 10


class MessageBus:
    def __init__(self, uow_factory: Callable[[], AllocationUnitOfWork], deps: Deps):
        self.uow_factory = uow_factory
        self.deps = deps

    def handle(self, command):
        handler = HANDLERS[type(command)]
        for attempt in range(1, ATTEMPTS + 1):
            with self.uow_factory() as uow:
                try:
                    result = handler(command, uow, self.deps)
                    # the rows returned outlive the unit of work (whose exit expires them)
                    uow.session.expunge_all()
                    return result
                except (VersionConflict, IntegrityError) as exc:
                    if attempt == ATTEMPTS:
                        raise
                    log.info("concurrent change; redoing the command",
                             extra={"command": type(command).__name__, "attempt": attempt,
                                    "error": type(exc).__name__})
        raise AssertionError("unreachable")
