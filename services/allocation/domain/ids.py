"""Deterministic identifiers.

A proposal's id follows from what it is (vacancy, candidate, attempt), so redoing the work after
a crash between deciding and committing produces the same id, and the unit of work's unique
key turns the redo into a no-op instead of a second proposal.
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://woonregie.nl/allocation")


def proposal_id(vacancy_id: str, candidate_id: str, attempt: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"proposal:{vacancy_id}:{candidate_id}:{attempt}"))


def placement_id(proposal_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"placement:{proposal_id}"))
