"""Intake's tables. Personal data lives only in the `*_sealed` columns, Fernet-encrypted.

A candidate row keeps the pseudonymous facts in the clear (they are on the topic anyway) so
that monitoring history survives erasure, which empties the sealed columns.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, Integer, Text
from sqlmodel import Field

from shared.db import UTCDateTime, service_base
from shared.messaging.uow import InfraTables

Base = service_base("intake")
INFRA = InfraTables.on(Base.metadata)


class CandidateRow(Base, table=True):
    __tablename__ = "candidates"

    id: str = Field(primary_key=True, max_length=36)
    registered_by: str = Field(max_length=100, index=True)
    registered_on: date
    status: str = Field(max_length=20, index=True)
    # set while active: a unique index makes a duplicate registration fail even in a race
    active_pseudonym: str | None = Field(default=None, max_length=64, unique=True)
    person_sealed: str | None = Field(default=None, sa_type=Text)
    household_size: int
    target_group: str = Field(max_length=40)
    needs: dict = Field(sa_column=Column(JSON, nullable=False))
    registration_municipality: str = Field(max_length=6, index=True)
    preferred_municipalities: list = Field(sa_column=Column(JSON, nullable=False))
    excluded_municipalities: list = Field(sa_column=Column(JSON, nullable=False))
    region_binding: str | None = Field(default=None, max_length=40)
    available_from: date | None = None
    age_band: str = Field(max_length=20)
    income_class: str = Field(max_length=20)
    urgency_status: str | None = Field(default=None, max_length=20, index=True)
    urgency_category: str | None = Field(default=None, max_length=40)
    urgency_municipality: str | None = Field(default=None, max_length=6)
    urgency_decided_on: date | None = None
    urgency_valid_until: date | None = Field(default=None, index=True)
    urgency_expired_on: date | None = None
    withdrawn_on: date | None = None
    withdrawal_reason: str | None = Field(default=None, max_length=40)
    housed_on: date | None = None
    erased_on: date | None = None
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class UrgencyDecisionRow(Base, table=True):
    """Every decision, kept as history; the candidate row holds the current one."""

    __tablename__ = "urgency_decisions"

    id: str = Field(primary_key=True, max_length=36)
    candidate_id: str = Field(foreign_key="candidates.id", index=True, max_length=36)
    municipality: str = Field(max_length=6)
    decision: str = Field(max_length=20)
    category: str = Field(max_length=40)
    decided_on: date
    valid_until: date | None = None
    reason_sealed: str | None = Field(default=None, sa_type=Text)  # free text: may be personal
    reason_code: str | None = Field(default=None, max_length=40)  # a revocation's closed code
    article: str | None = Field(default=None, max_length=80)  # of the verordening
    decided_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class UrgencyApplicationRow(Base, table=True):
    """An application for urgency with its grounds: references to documents, never the
    documents; the references may name the person, so they are sealed."""

    __tablename__ = "urgency_applications"

    id: str = Field(primary_key=True, max_length=36)
    candidate_id: str = Field(foreign_key="candidates.id", index=True, max_length=36)
    applied_by: str = Field(max_length=100)
    role: str = Field(max_length=20)
    category: str = Field(max_length=40)
    applied_on: date
    references_sealed: str | None = Field(default=None, sa_type=Text)
    applied_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class AgreementRow(Base, table=True):
    """The latest version of each published fair-share agreement, for urgency validity."""

    __tablename__ = "agreements"

    scope: str = Field(primary_key=True, max_length=40)
    period: str = Field(primary_key=True, max_length=10)
    version: int
    period_start: date
    period_end: date
    municipalities: list = Field(sa_column=Column(JSON, nullable=False))
    validity_days: dict = Field(sa_column=Column(JSON, nullable=False))  # category -> days


class AccessLogRow(Base, table=True):
    """Who processed whose personal data, when and through which endpoint (append only)."""

    __tablename__ = "access_log"

    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                         autoincrement=True),
    )
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    org: str = Field(max_length=100, index=True)
    role: str = Field(max_length=20)
    candidate_id: str = Field(max_length=36, index=True)
    action: str = Field(max_length=30)
    endpoint: str = Field(max_length=120)
    # the person the portal acted for (person token); unset for an organisation token
    person_subject: str | None = Field(default=None, max_length=255, index=True)
    person_email: str | None = Field(default=None, max_length=320)


class IdempotencyRow(Base, table=True):
    """The first answer to a write sent with an Idempotency-Key, replayed on retries."""

    __tablename__ = "idempotency_keys"

    org: str = Field(primary_key=True, max_length=100)
    scope: str = Field(primary_key=True, max_length=40)
    key: str = Field(primary_key=True, max_length=64)  # keyed hash of the Idempotency-Key
    fingerprint: str = Field(max_length=64)
    status_code: int
    response_sealed: str = Field(sa_type=Text)  # the body names the person: encrypted too
    candidate_id: str | None = Field(default=None, max_length=36, index=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
