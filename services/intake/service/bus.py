"""The message bus: runs a command's handler in a fresh unit of work."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from services.intake.service.handlers import HANDLERS, RETRY_ON_CONFLICT, Deps, Reply
from services.intake.service.uow import IntakeUnitOfWork


class MessageBus:
    def __init__(self, uow_factory: Callable[[], IntakeUnitOfWork], deps: Deps):
        self.uow_factory = uow_factory
        self.deps = deps

    def handle(self, command) -> Reply:
        handler = HANDLERS[type(command)]
        attempts = 2 if isinstance(command, RETRY_ON_CONFLICT) else 1
        for attempt in range(1, attempts + 1):
            with self.uow_factory() as uow:
                try:
                    return handler(command, uow, self.deps)
                except IntegrityError:
                    if attempt == attempts:
                        raise
        raise AssertionError("unreachable")
