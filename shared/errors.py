"""The one family of service errors. Domains and service layers raise these (or their own
subclasses); `shared.problems` turns every one of them into the same problem+json document,
whatever the service: `status`, `title`, `type`, `instance`, `detail`, and `code` always;
`invalidParams` for input errors; `errors` and `rows` for a rejected file.

Pure Python on purpose: a domain may raise these without knowing about HTTP.
Messages never contain a refused input value (it could be personal data).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str  # the wire name, e.g. "bsn", "needs.minRooms", "carryOver.GM9999"
    reason: str
    code: str = "invalid"


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row of a CSV file (the header is row 0)
    field: str
    reason: str


class ServiceError(Exception):
    """A refusal the caller can act on. Subclasses set `status` and a default `code`."""

    status = 400
    code = "invalid"
    default_detail = ""

    def __init__(self, detail: str | None = None, code: str | None = None, **extra):
        self.detail = detail if detail is not None else self.default_detail
        super().__init__(self.detail)
        self.code = code or type(self).code
        self.extra = extra

    def invalid_params(self) -> list[dict] | None:
        return None


class NotFound(ServiceError):
    """Unknown, or not the caller's: both answer the same, so nobody learns what exists."""

    status = 404
    code = "not-found"


class Forbidden(ServiceError):
    """The record is visible to the caller, but not the caller's to change."""

    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    """The request is valid, but the state of the record does not allow it now."""

    status = 409
    code = "conflict"


class InvalidInput(ServiceError):
    """One or more fields are wrong; nothing was stored."""

    status = 422
    code = "invalid-input"

    def __init__(self, errors: Iterable[FieldError] | FieldError):
        self.errors: tuple[FieldError, ...] = (
            (errors,) if isinstance(errors, FieldError) else tuple(errors))
        super().__init__("; ".join(f"{e.field}: {e.reason}" for e in self.errors[:5]))

    @classmethod
    def of(cls, field: str, reason: str, code: str = "invalid") -> "InvalidInput":
        return cls(FieldError(field, reason, code))

    @property
    def field(self) -> str:
        """The first field named (most refusals name one)."""
        return self.errors[0].field

    def invalid_params(self) -> list[dict]:
        return [{"name": e.field, "code": e.code, "reason": e.reason} for e in self.errors]


class ImportRejected(ServiceError):
    """A file with errors in some rows: nothing of it was imported."""

    status = 422
    code = "import-rejected"

    def __init__(self, errors: list[RowError], rows: int):
        super().__init__(f"{len(errors)} error(s) in the file; nothing was imported.",
                         errors=[{"row": e.row, "field": e.field, "reason": e.reason}
                                 for e in errors],
                         rows=rows)
        self.errors = errors
        self.rows = rows

    def invalid_params(self) -> list[dict]:
        return [{"name": f"rows[{e.row}].{e.field}", "code": "invalid", "reason": e.reason}
                for e in self.errors]


class Collected:
    """Collects field errors so that one answer names every bad field, not just the first."""

    def __init__(self, errors: Iterable[FieldError] = ()) -> None:
        self.errors: list[FieldError] = list(errors)

    def add(self, field: str, reason: str | None, code: str = "invalid") -> None:
        if reason:
            self.errors.append(FieldError(field, reason, code))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)
