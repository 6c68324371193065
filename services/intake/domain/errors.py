"""What can go wrong in intake: the shared family of service errors (shared.errors), which
the API turns into problem+json, and intake's own refusals among them.

Messages never contain the input value: a rejected BSN must not end up in a response body
that is logged somewhere else.
"""

from __future__ import annotations

from shared import errors
from shared.errors import (
    Collected,
    Conflict,
    FieldError,
    ImportRejected,
    InvalidInput,
    RowError,
)
from shared.errors import ServiceError as IntakeError

__all__ = ["Collected", "Conflict", "DuplicatePerson", "FieldError", "IdempotencyKeyReused",
           "ImportRejected", "IntakeError", "InvalidInput", "NotFound", "RowError"]


class NotFound(errors.NotFound):
    """Unknown, or not the caller's: both answer the same, so nobody learns what exists."""

    default_detail = "No such candidate."


class DuplicatePerson(Conflict):
    def __init__(self, existing_id: str | None = None):
        extra = {"existingId": existing_id} if existing_id else {}
        super().__init__("This person is already registered as an active candidate.",
                         "duplicate-person", **extra)


class IdempotencyKeyReused(InvalidInput):
    """The same Idempotency-Key came with a different request body."""

    def __init__(self) -> None:
        super().__init__(FieldError("Idempotency-Key",
                                    "was used before with a different request body; use a "
                                    "new key for a new request", "idempotency-key-reused"))
