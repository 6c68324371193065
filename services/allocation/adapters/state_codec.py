"""The Allocator as one JSON document: a thin face on what the domain itself says about how
it is stored (`services.allocation.domain.stored`). No adapter reads the aggregate's private
attributes; the store (`aggregate_store`) keeps one record per entity instead of this whole
document, and this module serves what wants the whole at once (diagnostics, tests, exports).
"""

from __future__ import annotations

import json
from typing import Any

from services.allocation.domain import AllocationPolicy, Allocator
from services.allocation.domain.stored import (
    DERIVED_ATTRIBUTES,
    FORMAT,
    STORED_ATTRIBUTES,
    UnknownStateFormat,
    explanation_document,
    response_document,
)

__all__ = ["FORMAT", "STATE_ATTRIBUTES", "UnknownStateFormat", "explanation_document",
           "from_document", "response_document", "to_document", "to_json"]

STATE_ATTRIBUTES = STORED_ATTRIBUTES | DERIVED_ATTRIBUTES


def to_document(allocator: Allocator) -> dict[str, Any]:
    return allocator.to_document()


def from_document(doc: dict[str, Any], policy: AllocationPolicy | None = None) -> Allocator:
    return Allocator.from_document(doc, policy)


def to_json(allocator: Allocator) -> str:
    return json.dumps(allocator.to_document(), separators=(",", ":"))
