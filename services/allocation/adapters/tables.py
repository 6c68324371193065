"""Allocation's tables: the scope aggregate's state (+ version), and the read models the API
serves (proposals, placements), besides the spine's outbox and ledger.

The aggregate row is the single source of truth; the proposal and placement rows are
projections written in the same transaction as the aggregate, so they never disagree.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field

from shared.db import UTCDateTime, service_base
from shared.messaging.uow import InfraTables

Base = service_base("allocation")
INFRA = InfraTables.on(Base.metadata)


class AllocatorStateRow(Base, table=True):
    """One scope's Allocator: its `version` guards concurrent writers; its entities are
    `AllocatorEntityRow`s."""

    __tablename__ = "allocator_state"

    scope: str = Field(primary_key=True, max_length=60)
    version: int = Field(ge=1)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class AllocatorEntityRow(Base, table=True):
    """One entity of a scope's Allocator (a candidate, a vacancy, a proposal, ...) as the
    domain stores it (`Allocator.stored_changes`): a batch writes only the entities it
    changed. `seq` is the order the aggregate first held it in, the order it is restored in."""

    __tablename__ = "allocator_entities"

    scope: str = Field(primary_key=True, max_length=60)
    kind: str = Field(primary_key=True, max_length=20)
    key: str = Field(primary_key=True, max_length=100)
    seq: int
    # Text, not JSON: loaded only when the in-memory copy is stale, and parsed by the domain
    body: str = Field(sa_column=Column(Text, nullable=False))


class ProposalRow(Base, table=True):
    __tablename__ = "proposals"

    id: str = Field(primary_key=True, max_length=36)
    scope: str = Field(max_length=60)
    vacancy_id: str = Field(max_length=100, index=True)
    bag_id: str = Field(max_length=32)
    candidate_id: str = Field(max_length=100, index=True)
    attempt: int
    # who may see it: the dwelling's corporation and municipality, the candidate's
    # registering organisation, care provider and origin municipality
    corporation: str = Field(max_length=100, index=True)
    municipality: str = Field(max_length=20, index=True)
    origin_municipality: str = Field(max_length=20, index=True)
    registered_by: str = Field(max_length=100, index=True)
    care_provider: str | None = Field(default=None, max_length=100, index=True)
    target_group: str = Field(max_length=40)
    status: str = Field(max_length=10, index=True)
    proposed_on: date
    expires_on: date
    closed_on: date | None = None
    closed_by: str | None = Field(default=None, max_length=12)
    close_reason: str | None = Field(default=None, max_length=500)
    # {"corporation": {"decision", "on", "reason"} | None, "candidate": ...}
    responses: dict = Field(sa_column=Column(JSON, nullable=False))
    explanation: dict = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class PlacementRow(Base, table=True):
    __tablename__ = "placements"

    id: str = Field(primary_key=True, max_length=36)
    scope: str = Field(max_length=60)
    proposal_id: str = Field(max_length=36, unique=True)
    vacancy_id: str = Field(max_length=100, unique=True)
    bag_id: str = Field(max_length=32)
    candidate_id: str = Field(max_length=100, unique=True)
    corporation: str = Field(max_length=100, index=True)
    municipality: str = Field(max_length=20, index=True)
    origin_municipality: str = Field(max_length=20, index=True)
    registered_by: str = Field(max_length=100, index=True)
    care_provider: str | None = Field(default=None, max_length=100, index=True)
    target_group: str = Field(max_length=40)
    urgency_granted_on: date | None = None
    move_in_date: date = Field(index=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class DeclineNoteRow(Base, table=True):
    """The free-text note given with a decline. It stays here: never in the aggregate's
    state, on a topic or in a log, and only the proposal's parties read it."""

    __tablename__ = "decline_notes"

    proposal_id: str = Field(primary_key=True, max_length=36)
    decided_by: str = Field(primary_key=True, max_length=12)
    note: str = Field(max_length=1000)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
