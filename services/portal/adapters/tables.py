"""The portal's tables: local accounts and sessions; no domain data lives here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field

from shared.db import UTCDateTime, service_base

Base = service_base("portal")


class AccountRow(Base, table=True):
    __tablename__ = "accounts"

    id: str = Field(primary_key=True, max_length=32)
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=120)
    org: str = Field(max_length=100)
    role: str = Field(max_length=20)
    password_hash: str = Field(max_length=255)
    disabled: bool = False
    failed_attempts: int = 0
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class SessionRow(Base, table=True):
    __tablename__ = "sessions"

    # sha256 of the cookie value: a stolen database does not give usable sessions
    token_hash: str = Field(primary_key=True, max_length=64)
    subject: str = Field(max_length=255)
    email: str = Field(max_length=254)
    display_name: str = Field(max_length=120)
    org: str = Field(max_length=100)
    role: str = Field(max_length=20)
    source: str = Field(max_length=8)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
