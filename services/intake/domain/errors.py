"""What can go wrong in intake, in domain terms; the API turns these into problem+json.

Messages never contain the input value: a rejected BSN must not end up in a response body
that is logged somewhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str  # the wire name, e.g. "bsn" or "needs.minRooms"
    reason: str
    code: str = "invalid"


class IntakeError(Exception):
    pass


class InvalidInput(IntakeError):
    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.reason}" for e in errors))
        self.errors = errors


class NotFound(IntakeError):
    """Unknown, or not the caller's: both answer the same, so nobody learns what exists."""


class Conflict(IntakeError):
    def __init__(self, detail: str, code: str = "conflict", **extra):
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.extra = extra


class DuplicatePerson(Conflict):
    def __init__(self, existing_id: str | None = None):
        extra = {"existingId": existing_id} if existing_id else {}
        super().__init__("This person is already registered as an active candidate.",
                         "duplicate-person", **extra)


class IdempotencyKeyReused(IntakeError):
    """The same Idempotency-Key came with a different request body."""


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row of the CSV file (the header is row 0)
    field: str
    reason: str


class ImportRejected(IntakeError):
    def __init__(self, errors: list[RowError], rows: int):
        super().__init__(f"{len(errors)} error(s) in {rows} row(s)")
        self.errors = errors
        self.rows = rows


@dataclass
class Collected:
    """Collects field errors so that one answer names every bad field, not just the first."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, field_name: str, reason: str | None, code: str = "invalid") -> None:
        if reason:
            self.errors.append(FieldError(field_name, reason, code))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)
