"""What can go wrong in the registry: the shared family of service errors (shared.errors),
which the API turns into problem+json and the feed consumer into dead letters."""

from __future__ import annotations

from shared.errors import (
    Collected,
    Conflict,
    FieldError,
    Forbidden,
    ImportRejected,
    InvalidInput,
    NotFound,
    RowError,
)
from shared.errors import ServiceError as RegistryError

__all__ = ["Collected", "Conflict", "FieldError", "Forbidden", "ImportRejected", "InvalidInput",
           "NotFound", "RegistryError", "RowError"]
