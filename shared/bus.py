"""The message bus every service uses: runs a command's handler in a fresh unit of work, and
runs it again when the write lost a race with another writer (the redo sees the winner's state
and decides anew: a 409, the next version number, ...).

How often and on which errors a service retries is its own choice (`Retry`), made in its
bootstrap; the loop is the same everywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.exc import IntegrityError

from shared.messaging.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

Deps = TypeVar("Deps")
Handler = Callable[[object, SqlUnitOfWork, object], object]


@dataclass(frozen=True)
class Retry:
    """`attempts` runs at most, on `on` (a lost race); `only` limits retrying to these command
    types (None: every command), for services where a redo is only safe for some."""

    attempts: int = 1
    on: tuple[type[BaseException], ...] = (IntegrityError,)
    only: tuple[type, ...] | None = None

    def attempts_for(self, command: object) -> int:
        if self.only is not None and not isinstance(command, self.only):
            return 1
        return max(1, self.attempts)


class MessageBus(Generic[Deps]):
    def __init__(self, uow_factory: Callable[[], SqlUnitOfWork],
                 handlers: Mapping[type, Handler], deps: Deps, retry: Retry = Retry()):
        self.uow_factory = uow_factory
        self.handlers = handlers
        self.deps = deps
        self.retry = retry

    def handle(self, command):
        handler = self.handlers[type(command)]
        attempts = self.retry.attempts_for(command)
        for attempt in range(1, attempts + 1):
            with self.uow_factory() as uow:
                try:
                    result = handler(command, uow, self.deps)
                    # what the handler returns outlives the unit of work (whose exit expires it)
                    uow.session.expunge_all()
                    return result
                except self.retry.on as exc:
                    if attempt == attempts:
                        raise
                    log.info("concurrent change; redoing the command",
                             extra={"command": type(command).__name__, "attempt": attempt,
                                    "error": type(exc).__name__})
        raise AssertionError("unreachable")
