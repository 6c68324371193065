"""The proposals and placements read models: written from the aggregate in the same
transaction as it, read by the API with the caller's audience as a SQL filter.

Proposal rows are staged by `upsert` and written by `flush` (the unit of work's commit, or a
read in the same unit of work): a batch of consumed events that touches a proposal several
times writes it once, and all of a batch's rows go in a few statements."""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    bindparam,
    false,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from services.allocation.adapters.state_codec import (
    explanation_document,
    response_document,
)
from services.allocation.adapters.tables import (
    DeclineNoteRow,
    PlacementRow,
    ProposalRow,
)
from services.allocation.domain import Allocator, Placement, Proposal
from services.allocation.service.access import Audience
from shared.contracts.periods import utcnow


def proposal_values(allocator: Allocator, proposal: Proposal) -> dict:
    vacancy = allocator.vacancy(proposal.vacancy_id)
    candidate = allocator.candidate(proposal.candidate_id)
    assert vacancy is not None and candidate is not None  # a proposal keeps both alive
    return dict(
        id=proposal.id, scope=allocator.scope, vacancy_id=vacancy.id, bag_id=vacancy.bag_id,
        candidate_id=candidate.id, attempt=proposal.attempt, corporation=vacancy.corporation,
        municipality=vacancy.municipality,
        origin_municipality=candidate.registration_municipality,
        registered_by=candidate.registered_by, care_provider=candidate.needs.care_provider,
        target_group=proposal.category.value, status=proposal.status.value,
        proposed_on=proposal.proposed_on, expires_on=proposal.expires_on,
        closed_on=proposal.closed_on,
        closed_by=None if proposal.closed_by is None else proposal.closed_by.value,
        close_reason=proposal.close_reason,
        responses={"corporation": response_document(proposal.corporation_response),
                   "candidate": response_document(proposal.candidate_response)},
        explanation=explanation_document(proposal.explanation),
    )


def placement_values(allocator: Allocator, placement: Placement) -> dict:
    vacancy = allocator.vacancy(placement.vacancy_id)
    candidate = allocator.candidate(placement.candidate_id)
    assert vacancy is not None and candidate is not None
    return dict(
        id=placement.id, scope=allocator.scope, proposal_id=placement.proposal_id,
        vacancy_id=placement.vacancy_id, bag_id=placement.bag_id,
        candidate_id=placement.candidate_id, corporation=vacancy.corporation,
        municipality=placement.municipality,
        origin_municipality=placement.origin_municipality,
        registered_by=candidate.registered_by, care_provider=candidate.needs.care_provider,
        target_group=placement.target_group.value,
        urgency_granted_on=placement.urgency_granted_on, move_in_date=placement.move_in_date,
    )


def _audience_filter(model, audience: Audience) -> ColumnElement[bool]:
    if audience.everything:
        return true()
    clauses = []
    if audience.corporation is not None:
        clauses.append(func.lower(model.corporation) == audience.corporation.casefold())
    if audience.organisation is not None:
        org = audience.organisation.casefold()
        clauses += [func.lower(model.registered_by) == org,
                    func.lower(model.care_provider) == org]
    if audience.municipality is not None:
        clauses += [model.municipality == audience.municipality,
                    model.origin_municipality == audience.municipality]
    return or_(*clauses) if clauses else false()


PROPOSALS = ProposalRow.__table__


class ProposalViews:
    def __init__(self, session: Session):
        self.session = session
        self._pending: dict[str, dict] = {}  # proposal id -> its newest values

    def upsert(self, values: dict) -> None:
        self._pending[values["id"]] = values

    def flush(self) -> None:
        """Write the staged rows: one query for which exist, one insert, one update."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        ids = list(pending)
        existing: set[str] = set()
        for start in range(0, len(ids), 500):
            existing.update(self.session.scalars(
                select(PROPOSALS.c.id).where(PROPOSALS.c.id.in_(ids[start:start + 500]))))
        now = utcnow()
        new = [values | {"updated_at": now} for pid, values in pending.items()
               if pid not in existing]
        if new:
            self.session.execute(insert(PROPOSALS), new)
        changed = [{"_id": pid, **{k: v for k, v in values.items() if k != "id"},
                    "updated_at": now} for pid, values in pending.items() if pid in existing]
        if changed:
            self.session.execute(
                update(PROPOSALS).where(PROPOSALS.c.id == bindparam("_id")), changed)

    def discard(self) -> None:
        self._pending = {}

    def get(self, proposal_id: str) -> ProposalRow | None:
        self.flush()
        return self.session.get(ProposalRow, proposal_id, populate_existing=True)

    def page(self, audience: Audience, status: str | None, page: int, page_size: int
             ) -> tuple[list[ProposalRow], int]:
        self.flush()
        where = [_audience_filter(ProposalRow, audience)]
        if status is not None:
            where.append(ProposalRow.status == status)
        total = self.session.scalar(select(func.count()).select_from(ProposalRow).where(*where))
        rows = self.session.scalars(
            select(ProposalRow).where(*where)
            .order_by(ProposalRow.proposed_on.desc(), ProposalRow.id)
            .offset((page - 1) * page_size).limit(page_size)
            .execution_options(populate_existing=True)).all()
        return list(rows), total or 0


class PlacementViews:
    def __init__(self, session: Session):
        self.session = session

    def add(self, values: dict) -> None:
        if self.session.get(PlacementRow, values["id"]) is None:
            self.session.add(PlacementRow(**values, created_at=utcnow()))
            self.session.flush()

    def get(self, placement_id: str) -> PlacementRow | None:
        return self.session.get(PlacementRow, placement_id)

    def page(self, audience: Audience, page: int, page_size: int
             ) -> tuple[list[PlacementRow], int]:
        where = _audience_filter(PlacementRow, audience)
        total = self.session.scalar(select(func.count()).select_from(PlacementRow).where(where))
        rows = self.session.scalars(
            select(PlacementRow).where(where)
            .order_by(PlacementRow.move_in_date.desc(), PlacementRow.id)
            .offset((page - 1) * page_size).limit(page_size)).all()
        return list(rows), total or 0


class DeclineNotes:
    """Notes given with declines, one per proposal and party (a repeated answer keeps the
    first, as the decline itself does)."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, proposal_id: str, decided_by: str, note: str) -> None:
        if self.session.get(DeclineNoteRow, (proposal_id, decided_by)) is None:
            self.session.add(DeclineNoteRow(proposal_id=proposal_id, decided_by=decided_by,
                                            note=note, created_at=utcnow()))

    def of(self, proposal_id: str) -> list[DeclineNoteRow]:
        return list(self.session.scalars(
            select(DeclineNoteRow).where(DeclineNoteRow.proposal_id == proposal_id)
            .order_by(DeclineNoteRow.decided_by)))
