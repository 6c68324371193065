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
    bindparam,
    or_,
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


@dataclass
class _Raised:
    notice: Notice
    raised_at: datetime
    settled_at: datetime | None = None


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
    """Raises, settles and proposals are kept until the unit of work commits (`flush`): a
    batch of events then costs a few statements, not two or three per event. Within the
    batch they apply in order, so an event settles the notices raised before it."""

    def __init__(self, session: Session):
        self.session = session
        self._raised: dict[str, dict[tuple[str, str], _Raised]] = {}  # ref -> (kind, org)
        self._settles: list[Settles] = []
        self._proposals: dict[str, str] = {}

    def raise_(self, notice: Notice) -> None:
        about = self._raised.setdefault(notice.ref, {})
        about.setdefault((str(notice.kind), notice.org), _Raised(notice, utcnow()))

    def settle(self, settles: Settles) -> None:
        kinds = {str(k) for k in settles.kinds}
        now = utcnow()
        for (kind, _), raised in self._raised.get(settles.ref, {}).items():
            if kind in kinds and raised.settled_at is None:
                raised.settled_at = now
        self._settles.append(settles)

    def remember_proposal(self, proposal_id: str, corporation: str) -> None:
        self._proposals.setdefault(proposal_id, corporation)

    def corporation_of(self, proposal_id: str) -> str | None:
        if proposal_id in self._proposals:
            return self._proposals[proposal_id]
        return self.session.execute(select(proposals.c.corporation).where(
            proposals.c.proposal_id == proposal_id)).scalar()

    def flush(self) -> None:
        """Write what the events of this unit of work did: the settles first (they concern
        notices stored before it; those raised in it carry their settling already)."""
        self._flush_settles()
        self._flush_raised()
        self._flush_proposals()

    def discard(self) -> None:
        self._raised, self._settles, self._proposals = {}, [], {}

    def _flush_settles(self) -> None:
        by_kinds: dict[tuple[str, ...], list[dict]] = {}
        for settles in self._settles:
            kinds = tuple(sorted(str(k) for k in settles.kinds))
            by_kinds.setdefault(kinds, []).append({"settled_ref": settles.ref})
        self._settles = []
        now = utcnow()
        for kinds, refs in by_kinds.items():
            self.session.execute(update(notices).where(  # no IN: executemany can't expand it
                notices.c.ref == bindparam("settled_ref"),
                or_(*(notices.c.kind == kind for kind in kinds)),
                notices.c.settled_at.is_(None)).values(settled_at=now), refs)

    def _flush_raised(self) -> None:
        raised = {(kind, ref, org): r for ref, about in self._raised.items()
                  for (kind, org), r in about.items()}
        self._raised = {}
        if not raised:
            return
        kinds = {kind for kind, _, _ in raised}
        refs = {ref for _, ref, _ in raised}
        stored = set(self.session.execute(  # kind first: the unique index leads with it
            select(notices.c.kind, notices.c.ref, notices.c.org)
            .where(notices.c.kind.in_(kinds), notices.c.ref.in_(refs))).tuples())
        rows = [{"kind": kind, "ref": ref, "org": org, "raised_at": r.raised_at,
                 "settled_at": r.settled_at, "roles": ",".join(str(x) for x in r.notice.roles)}
                for (kind, ref, org), r in raised.items() if (kind, ref, org) not in stored]
        if rows:
            self.session.execute(notices.insert(), rows)

    def _flush_proposals(self) -> None:
        remembered, self._proposals = self._proposals, {}
        if not remembered:
            return
        stored = set(self.session.execute(select(proposals.c.proposal_id).where(
            proposals.c.proposal_id.in_(remembered))).scalars())
        rows = [{"proposal_id": p, "corporation": c}
                for p, c in remembered.items() if p not in stored]
        if rows:
            self.session.execute(proposals.insert(), rows)

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

    def commit(self) -> None:
        self.notices.flush()
        super().commit()

    def rollback(self) -> None:
        self.notices.discard()
        super().rollback()
