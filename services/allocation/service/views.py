"""What the service layer answers with: plain, frozen copies of the read models, so no ORM
row (with its session and lazy loads) leaves a unit of work. The API maps these to JSON."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import TypeVar

View = TypeVar("View")


def copy_of(view: type[View], row: object) -> View:
    """The view's fields, read from a row with the same attribute names."""
    return view(**{f.name: getattr(row, f.name) for f in fields(view)})


@dataclass(frozen=True)
class ProposalView:
    id: str
    vacancy_id: str
    bag_id: str
    candidate_id: str
    attempt: int
    corporation: str
    municipality: str
    origin_municipality: str
    registered_by: str
    care_provider: str | None
    target_group: str
    status: str
    proposed_on: date
    expires_on: date
    closed_on: date | None
    closed_by: str | None
    close_reason: str | None
    responses: dict
    explanation: dict


@dataclass(frozen=True)
class PlacementView:
    id: str
    proposal_id: str
    vacancy_id: str
    bag_id: str
    candidate_id: str
    corporation: str
    municipality: str
    origin_municipality: str
    registered_by: str
    care_provider: str | None
    target_group: str
    urgency_granted_on: date | None
    move_in_date: date


@dataclass(frozen=True)
class DeclineNote:
    decided_by: str
    note: str


@dataclass(frozen=True)
class ProposalDetail:
    """A proposal as one caller may see it: `notes` is None unless the caller is a party."""

    proposal: ProposalView
    notes: list[DeclineNote] | None = None
