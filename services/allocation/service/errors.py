"""Refusals of the service layer (the domain's own are in domain/errors.py): the shared
service errors, answered as problem+json by shared.problems."""

from __future__ import annotations

from shared.errors import Forbidden, InvalidInput, NotFound

__all__ = ["Forbidden", "InvalidInput", "NotFound"]
