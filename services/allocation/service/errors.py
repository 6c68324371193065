"""Refusals of the service layer (the domain's own are in domain/errors.py)."""

from __future__ import annotations


class NotFound(Exception):
    """Unknown, or outside the caller's organisation (which must not learn it exists)."""


class Forbidden(Exception):
    """Visible to the caller, but not the caller's to change."""


class InvalidInput(Exception):
    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
