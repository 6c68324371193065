"""Server-side sessions: the cookie holds a random token, the database its hash.

Idle and absolute expiry are checked on every read, so a stolen cookie stops working when
the person leaves or logs out.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import Session

from services.portal.adapters.tables import SessionRow
from services.portal.auth.identity import Identity
from shared.contracts.periods import utcnow
from shared.contracts.vocabulary import Role


@dataclass(frozen=True)
class PortalSession:
    identity: Identity
    csrf_token: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(self, engine: Engine, idle: timedelta, absolute: timedelta,
                 now: Callable[[], datetime] = utcnow):
        self.engine = engine
        self.idle = idle
        self.absolute = absolute
        self.now = now

    def start(self, identity: Identity) -> str:
        token = secrets.token_urlsafe(32)
        moment = self.now()
        row = SessionRow(
            token_hash=_hash(token), subject=identity.subject, email=identity.email,
            display_name=identity.display_name, org=identity.org, role=str(identity.role),
            source=identity.source, csrf_token=secrets.token_urlsafe(32),
            created_at=moment, last_seen_at=moment,
        )
        with Session(self.engine) as session:
            session.add(row)
            session.commit()
        return token

    def resume(self, token: str) -> PortalSession | None:
        """The live session for `token` (and mark it seen), or None when unknown or expired."""
        moment = self.now()
        with Session(self.engine) as session:
            row = session.get(SessionRow, _hash(token))
            if row is None:
                return None
            if self._expired(row, moment):
                session.delete(row)
                session.commit()
                return None
            row.last_seen_at = moment
            session.add(row)
            session.commit()
            identity = Identity(row.subject, row.email, row.display_name, row.org,
                                Role(row.role), row.source)
            return PortalSession(identity, row.csrf_token)

    def end(self, token: str) -> None:
        with Session(self.engine) as session:
            session.exec(delete(SessionRow).where(SessionRow.token_hash == _hash(token)))
            session.commit()

    def end_all_of(self, subject: str) -> None:
        with Session(self.engine) as session:
            session.exec(delete(SessionRow).where(SessionRow.subject == subject))
            session.commit()

    def _expired(self, row: SessionRow, moment: datetime) -> bool:
        return (moment - row.last_seen_at > self.idle
                or moment - row.created_at > self.absolute)
