"""The notices table, the proposals the portal has seen, and the unit of work around them.

Notices live in a small database of their own (setting `notifications_database_url`, default
`data_dir/portal-notifications.db`), created on start like the token store: they are a read
model the portal can rebuild from the topics, not records anyone else relies on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    select,
    update,
)
from sqlalchemy.orm import Session

from services.portal.notifications.model import Kind, Notice, Settles
from shared.contracts.periods import utcnow
from shared.contracts.vocabulary import Role
from shared.db import UTCDateTime
from shared.messaging.uow import InfraTables, SqlUnitOfWork

metadata = MetaData()
INFRA = InfraTables.on(metadata)
notices = Table(
    "notices", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("kind", String(30), nullable=False),
    Column("ref", String(64), nullable=False),
    Column("org", String(100), nullable=False, index=True),
    Column("roles", String(120), nullable=False),  # comma separated
    Column("raised_at", UTCDateTime, nullable=False),
    Column("settled_at", UTCDateTime, nullable=True),
    Column("mailed_at", UTCDateTime, nullable=True),
    UniqueConstraint("kind", "ref", "org"),
)
proposals = Table(  # which corporation answers a proposal: alerts name only the proposal
    "proposals", metadata,
    Column("proposal_id", String(64), primary_key=True),
    Column("corporation", String(100), nullable=False),
)


@dataclass(frozen=True)
class StoredNotice:
    id: int
    notice: Notice
    raised_at: datetime


def create_tables(engine: Engine) -> None:
    metadata.create_all(engine)


def _stored(row) -> StoredNotice:
    roles = tuple(Role(r) for r in row.roles.split(","))
    return StoredNotice(row.id, Notice(Kind(row.kind), row.ref, row.org, roles), row.raised_at)


class NoticeRepository:
    def __init__(self, session: Session):
        self.session = session

    def raise_(self, notice: Notice) -> None:
        exists = self.session.execute(select(notices.c.id).where(
            notices.c.kind == notice.kind, notices.c.ref == notice.ref,
            notices.c.org == notice.org)).first()
        if exists is None:
            self.session.execute(notices.insert().values(
                kind=str(notice.kind), ref=notice.ref, org=notice.org,
                roles=",".join(str(r) for r in notice.roles), raised_at=utcnow()))

    def settle(self, settles: Settles) -> None:
        self.session.execute(update(notices).where(
            notices.c.ref == settles.ref, notices.c.kind.in_([str(k) for k in settles.kinds]),
            notices.c.settled_at.is_(None)).values(settled_at=utcnow()))

    def remember_proposal(self, proposal_id: str, corporation: str) -> None:
        found = self.session.execute(select(proposals.c.proposal_id).where(
            proposals.c.proposal_id == proposal_id)).first()
        if found is None:
            self.session.execute(proposals.insert().values(proposal_id=proposal_id,
                                                           corporation=corporation))

    def corporation_of(self, proposal_id: str) -> str | None:
        return self.session.execute(select(proposals.c.corporation).where(
            proposals.c.proposal_id == proposal_id)).scalar()

    def open_for(self, org: str, role: Role, limit: int = 100) -> list[StoredNotice]:
        rows = self.session.execute(select(notices).where(
            notices.c.org == org, notices.c.settled_at.is_(None))
            .order_by(notices.c.raised_at.desc(), notices.c.id.desc())).all()
        return [n for n in map(_stored, rows) if role in n.notice.roles][:limit]

    def unmailed(self, limit: int = 100) -> list[StoredNotice]:
        rows = self.session.execute(select(notices).where(
            notices.c.mailed_at.is_(None), notices.c.settled_at.is_(None))
            .order_by(notices.c.id).limit(limit)).all()
        return [_stored(row) for row in rows]

    def mark_mailed(self, notice_id: int) -> None:
        self.session.execute(update(notices).where(notices.c.id == notice_id)
                             .values(mailed_at=utcnow()))


class NotificationsUnitOfWork(SqlUnitOfWork):
    def _open_repositories(self) -> None:
        self.notices = NoticeRepository(self.session)
