"""What can go wrong in the registry, in domain terms; the API turns these into problem+json
and the feed consumer into dead letters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.registry.domain.fairshare import FieldError


class RegistryError(Exception):
    pass


class InvalidInput(RegistryError):
    """One or more fields are wrong; nothing was stored."""

    def __init__(self, errors: Iterable[FieldError] | FieldError):
        self.errors: tuple[FieldError, ...] = (
            (errors,) if isinstance(errors, FieldError) else tuple(errors))
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    @classmethod
    def of(cls, field: str, message: str) -> "InvalidInput":
        return cls(FieldError(field, message))


class NotFound(RegistryError):
    """Unknown, or not the caller's: both answer the same."""


class Forbidden(RegistryError):
    """The record exists and belongs to someone else; the caller may not change it."""


class Conflict(RegistryError):
    def __init__(self, detail: str, code: str = "conflict", **extra):
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.extra = extra


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row of a CSV file (the header is row 0)
    field: str
    reason: str


class ImportRejected(RegistryError):
    def __init__(self, errors: list[RowError], rows: int):
        super().__init__(f"{len(errors)} error(s) in {rows} row(s)")
        self.errors = errors
        self.rows = rows


class Collected:
    """Collects field errors so that one answer names every bad field, not just the first."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str | None) -> None:
        if message:
            self.errors.append(FieldError(field, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)
