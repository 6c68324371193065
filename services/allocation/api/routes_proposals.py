"""Proposals: read within your organisation; answer them; report the move-in."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from services.allocation.api.deps import BusDep, CorporationDep, ReaderDep, ResponderDep
from services.allocation.api.schemas import (
    MAX_PAGE,
    CancellationIn,
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
    detail = bus.handle(c.ReadProposal(caller, proposal_id))
    return ProposalOut.of(detail.proposal, detail.notes)


@router.post("/proposals/{id}/responses", response_model=ProposalOut,
             responses=NOT_FOUND | {403: {"description": "not your party to answer for"},
                                    409: {"description": "the proposal is no longer open"}})
def respond(proposal_id: ProposalId, body: ResponseIn, caller: ResponderDep, bus: BusDep):
    """Accept or decline, for the corporation or for the candidate; accepted by both, the
    proposal is accepted; a decline passes the dwelling to the next candidate."""
    detail = bus.handle(c.RespondToProposal(caller, proposal_id, body.decision, body.decided_by,
                                            body.reason_code, body.note,
                                            on=body.on))
    return ProposalOut.of(detail.proposal, detail.notes)


@router.get("/decline-reasons")
def list_decline_reasons(caller: ReaderDep, bus: BusDep) -> dict:
    """The closed list of decline reason codes per party, with Dutch labels, the days a code
    parks the candidate and (candidate side) whether it is a valid reason to refuse."""
    return bus.handle(c.ListDeclineReasons())


@router.post("/proposals/{id}/cancellation", response_model=ProposalOut,
             responses=NOT_FOUND | {403: {"description": "not a party to this proposal"},
                                    409: {"description": "the proposal is not accepted"}})
def cancel(proposal_id: ProposalId, body: CancellationIn, caller: ResponderDep, bus: BusDep):
    """Undo an accepted proposal before the move-in: the dwelling goes to the next candidate
    and the candidate is free for another proposal."""
    return ProposalOut.of(bus.handle(c.CancelProposal(caller, proposal_id, body.reason_code)))


@router.post("/proposals/{id}/move-in", status_code=201, response_model=PlacementOut,
             responses=NOT_FOUND | {409: {"description": "the proposal is not accepted"}})
def report_move_in(proposal_id: ProposalId, body: MoveInIn, caller: CorporationDep,
                   bus: BusDep, response: Response):
    """Report the move-in of an accepted proposal; it becomes a placement (realisation)."""
    placement = bus.handle(c.ReportMoveIn(caller, proposal_id, body.date))
    response.headers["Location"] = f"{PREFIX}/placements/{placement.id}"
    return PlacementOut.of(placement)
