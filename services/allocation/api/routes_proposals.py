"""Proposals: read within your organisation; answer them; report the move-in."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from services.allocation.api.deps import BusDep, CorporationDep, ReaderDep, ResponderDep
from services.allocation.api.schemas import (
    MAX_PAGE,
    MoveInIn,
    PlacementOut,
    ProposalOut,
    ProposalPage,
    ProposalSummaryOut,
    ResponseIn,
)
from services.allocation.domain import ProposalStatus
from services.allocation.service import commands as c
from shared.api import PREFIX, json_router

router = json_router(tags=["proposals"])
ProposalId = Annotated[str, Path(alias="id", max_length=64, description="the proposal id")]
NOT_FOUND = {404: {"description": "unknown, or outside your organisation"}}


@router.get("/proposals", response_model=ProposalPage)
def list_proposals(caller: ReaderDep, bus: BusDep, status: ProposalStatus | None = None,
                   page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
                   page_size: Annotated[int, Query(alias="pageSize", ge=1, le=500)] = 50):
    """Proposals within your organisation, newest first, optionally with one status."""
    result = bus.handle(c.ListProposals(caller, status and status.value, page, page_size))
    return ProposalPage(items=[ProposalSummaryOut.of(r) for r in result.items],
                        page=result.page, page_size=result.page_size, total=result.total)


@router.get("/proposals/{id}", response_model=ProposalOut, responses=NOT_FOUND)
def read_proposal(proposal_id: ProposalId, caller: ReaderDep, bus: BusDep):
    """One proposal with its explanation: the ranking and what excluded the others."""
    return ProposalOut.of(bus.handle(c.ReadProposal(caller, proposal_id)))


@router.post("/proposals/{id}/responses", response_model=ProposalOut,
             responses=NOT_FOUND | {403: {"description": "not your party to answer for"},
                                    409: {"description": "the proposal is no longer open"}})
def respond(proposal_id: ProposalId, body: ResponseIn, caller: ResponderDep, bus: BusDep):
    """Accept or decline, for the corporation or for the candidate; accepted by both, the
    proposal is accepted; a decline passes the dwelling to the next candidate."""
    row = bus.handle(c.RespondToProposal(caller, proposal_id, body.decision, body.decided_by,
                                         body.reason, on=body.on))
    return ProposalOut.of(row)


@router.post("/proposals/{id}/move-in", status_code=201, response_model=PlacementOut,
             responses=NOT_FOUND | {409: {"description": "the proposal is not accepted"}})
def report_move_in(proposal_id: ProposalId, body: MoveInIn, caller: CorporationDep,
                   bus: BusDep, response: Response):
    """Report the move-in of an accepted proposal; it becomes a placement (realisation)."""
    placement = bus.handle(c.ReportMoveIn(caller, proposal_id, body.date))
    response.headers["Location"] = f"{PREFIX}/placements/{placement.id}"
    return PlacementOut.of(placement)
