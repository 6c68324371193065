"""Organisation tokens: stored hashed, one role each, revocable.

The token store is a small database of its own (setting `auth_database_url`), shared by the
services the way an identity provider would be; no service reads another's data through it.
Tokens are 256-bit random strings, so a plain SHA-256 is a sufficient hash.

Besides organisation tokens (machine clients), the services accept the portal's person tokens
(shared.person_tokens): then the caller names the person who acts, for the access log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Column, Engine, MetaData, String, Table, select, update
from sqlalchemy.orm import Session

from shared.db import UTCDateTime, make_engine
from shared.contracts.periods import utcnow
from shared.person_tokens import (
    InvalidPersonToken,
    Person,
    jwks_source,
    looks_like_jwt,
    verifier_for,
)
from shared.problems import Problem
from shared.contracts.vocabulary import Role, is_cbs_code

TOKEN_PREFIX = "wr_"
metadata = MetaData()
tokens = Table(
    "tokens",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("org", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)


@dataclass(frozen=True)
class Caller:
    org: str
    role: Role
    person: Person | None = None  # set when the portal acts for a person

    def is_(self, *roles: Role) -> bool:
        return self.role in roles


@dataclass(frozen=True)
class IssuedToken:
    id: str
    token: str
    org: str
    role: Role


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        metadata.create_all(engine)

    def issue(self, org: str, role: Role) -> IssuedToken:
        role = Role(role)
        if role is Role.MUNICIPALITY and not is_cbs_code(org):
            raise ValueError(f"a municipality's org is its CBS code (GM + 4 digits), not {org!r}")
        if not org.strip():
            raise ValueError("org must not be empty")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token_id = secrets.token_hex(8)
        with Session(self.engine) as session:
            session.execute(tokens.insert().values(
                id=token_id, token_hash=hash_token(token), org=org, role=str(role),
                created_at=utcnow(),
            ))
            session.commit()
        return IssuedToken(token_id, token, org, role)

    def verify(self, token: str) -> Caller | None:
        with Session(self.engine) as session:
            row = session.execute(
                select(tokens.c.org, tokens.c.role).where(
                    tokens.c.token_hash == hash_token(token), tokens.c.revoked_at.is_(None)
                )
            ).first()
        return Caller(row.org, Role(row.role)) if row else None

    def revoke(self, token_id: str) -> bool:
        with Session(self.engine) as session:
            result = session.execute(
                update(tokens).where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            session.commit()
            return result.rowcount == 1

    def list(self) -> list[dict]:
        with Session(self.engine) as session:
            rows = session.execute(
                select(tokens.c.id, tokens.c.org, tokens.c.role, tokens.c.created_at,
                       tokens.c.revoked_at).order_by(tokens.c.created_at)
            ).all()
        return [dict(row._mapping) for row in rows]


@lru_cache(maxsize=8)
def token_store_for(url: str) -> TokenStore:
    return TokenStore(make_engine(url))


_bearer = HTTPBearer(auto_error=False)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _store(request: Request) -> TokenStore:
    return request.app.state.token_store


def optional_caller(request: Request, credentials: Credentials) -> Caller | None:
    """The caller when a bearer token is sent; a bad token is refused, not ignored."""
    if credentials is None:
        return None
    if looks_like_jwt(credentials.credentials):
        return _person_caller(request, credentials.credentials)
    caller = _store(request).verify(credentials.credentials)
    if caller is None:
        raise Problem(401, "Ongeldig token", "The bearer token is unknown or revoked.",
                      headers={"WWW-Authenticate": "Bearer"})
    return caller


def _person_caller(request: Request, token: str) -> Caller:
    verifier = verifier_for(jwks_source(request.app.state.settings))
    try:
        claims = verifier.verify(token)
    except InvalidPersonToken as exc:
        raise Problem(401, "Ongeldig token", f"The person token is refused: {exc.reason}.",
                      headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
    return Caller(claims.org, claims.role, claims.person)


def current_caller(caller: Annotated[Caller | None, Depends(optional_caller)]) -> Caller:
    if caller is None:
        raise Problem(401, "Niet geauthenticeerd", "Send a bearer token: Authorization: Bearer …",
                      headers={"WWW-Authenticate": "Bearer"})
    return caller


OptionalCallerDep = Annotated[Caller | None, Depends(optional_caller)]
CallerDep = Annotated[Caller, Depends(current_caller)]


def require_roles(*roles: Role):
    """Dependency factory: the caller, when it has one of `roles`; else 403."""

    def dependency(caller: CallerDep) -> Caller:
        if caller.role not in roles:
            allowed = ", ".join(str(r) for r in roles)
            raise Problem(403, "Geen toegang", f"Role {caller.role} may not do this (allowed: {allowed}).")
        return caller

    return dependency
