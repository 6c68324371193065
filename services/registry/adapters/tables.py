"""Registry's tables: municipalities, dwellings, vacancies, agreement versions (+ outbox,
ledger)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field

from shared.db import UTCDateTime, service_base
from shared.messaging.uow import InfraTables

Base = service_base("registry")
INFRA = InfraTables.on(Base.metadata)


class MunicipalityRow(Base, table=True):
    __tablename__ = "municipalities"

    code: str = Field(primary_key=True, max_length=6)
    name: str = Field(max_length=100)
    region: str = Field(max_length=60, index=True)
    province: str = Field(max_length=10)
    population: int
    care_providers: list = Field(sa_column=Column(JSON, nullable=False))
    # fingerprint of the reference-file values last applied (None: never seeded from a file)
    seeded_fingerprint: str | None = Field(default=None, max_length=64)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class DwellingRow(Base, table=True):
    __tablename__ = "dwellings"

    bag_id: str = Field(primary_key=True, max_length=16)
    corporation: str = Field(max_length=100, index=True)
    municipality: str = Field(max_length=6, index=True)
    rooms: int
    monthly_rent: float
    accessibility: str = Field(max_length=12)
    care_suitable: bool
    neighbourhood: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class VacancyRow(Base, table=True):
    __tablename__ = "vacancies"

    id: str = Field(primary_key=True, max_length=36)
    bag_id: str = Field(foreign_key="dwellings.bag_id", max_length=16, index=True)
    corporation: str = Field(max_length=100, index=True)
    municipality: str = Field(max_length=6, index=True)
    status: str = Field(max_length=12, index=True)
    # the BAG id while open, else NULL: a unique index keeps one open vacancy per dwelling,
    # even when two requests race
    open_bag_id: str | None = Field(default=None, max_length=16, unique=True)
    source: str = Field(max_length=8)
    available_from: date
    announced_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    withdrawn_on: date | None = None
    let_on: date | None = Field(default=None, index=True)
    tenant_type: str | None = Field(default=None, max_length=10)
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class AgreementRow(Base, table=True):
    """One version of an agreement; versions are never changed, only added."""

    __tablename__ = "agreements"

    scope: str = Field(primary_key=True, max_length=60)
    period: str = Field(primary_key=True, max_length=7)
    version: int = Field(primary_key=True)
    period_start: date
    period_end: date
    urgent_share: float
    cap_share: float
    key_weights: dict = Field(sa_column=Column(JSON, nullable=False))
    expected_lettings_given: int | None = None
    categories: list = Field(sa_column=Column(JSON, nullable=False))
    carry_over: dict = Field(sa_column=Column(JSON, nullable=False))
    municipalities: list = Field(sa_column=Column(JSON, nullable=False))
    result: dict = Field(sa_column=Column(JSON, nullable=False))
    targets: list = Field(sa_column=Column(JSON, nullable=False))
    basis: dict = Field(sa_column=Column(JSON, nullable=False))
    published_by: str = Field(max_length=100)
    published_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    stapeling_threshold: float | None = None


class WoonzorgvisieImportRow(Base, table=True):
    """One accepted woonzorgvisie import (all its rows); imports are never changed."""

    __tablename__ = "woonzorgvisie_imports"
    __table_args__ = (UniqueConstraint("kind", "org", "version"),)

    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=20, index=True)
    version: int
    org: str = Field(max_length=100)
    source: str = Field(max_length=200)
    rates_import: str | None = Field(default=None, max_length=36)
    illustrative: bool = False
    rows: list = Field(sa_column=Column(JSON, nullable=False))
    imported_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
