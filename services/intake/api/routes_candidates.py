"""Candidates: registered by care providers and the care office, read by their own org."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from services.intake.api.deps import BusDep, IdempotencyKey, ListerDep, RegistrarDep
from services.intake.api.replies import respond
from services.intake.api.schemas import (
    CandidateIn,
    CandidateOut,
    CandidatePage,
    CandidatePatch,
    WithdrawalIn,
)
from services.intake.domain.model import CandidateStatus
from services.intake.service import commands as c
from shared.api import json_router

router = json_router(tags=["candidates"])
CandidateId = Annotated[str, Path(max_length=64, description="the opaque candidate id")]
MAX_PAGE = 100_000  # beyond any real list; keeps the offset within a database integer
ANSWERS = {404: {"description": "unknown, or registered by another organisation"}}


@router.post("/candidates", status_code=201, response_model=CandidateOut,
             responses={409: {"description": "this person is already an active candidate"}})
def register_candidate(body: CandidateIn, caller: RegistrarDep, bus: BusDep,
                       idempotency_key: IdempotencyKey = None):
    """Register a client as a candidate; answers with the opaque id used everywhere."""
    reply = bus.handle(c.RegisterCandidate(caller, body.person(), body.situation(),
                                           idempotency_key, registered_on=body.registered_on))
    return respond(reply, location_of_id=True)


@router.get("/candidates", response_model=CandidatePage)
def list_candidates(caller: ListerDep, bus: BusDep,
                    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
                    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
                    status: CandidateStatus | None = None):
    """Your organisation's candidates; for a municipality, those registered there (no
    personal data)."""
    return respond(bus.handle(c.ListCandidates(caller, page, page_size, status)))


@router.get("/candidates/{candidate_id}", response_model=CandidateOut, responses=ANSWERS)
def read_candidate(candidate_id: CandidateId, caller: RegistrarDep, bus: BusDep):
    """One candidate with its personal data (the BSN masked); every read is logged."""
    return respond(bus.handle(c.ReadCandidate(caller, candidate_id)))


@router.patch("/candidates/{candidate_id}", response_model=CandidateOut, responses=ANSWERS)
def amend_candidate(candidate_id: CandidateId, body: CandidatePatch, caller: RegistrarDep,
                    bus: BusDep):
    """Change needs, preferences or household (JSON merge patch)."""
    return respond(bus.handle(c.AmendCandidate(caller, candidate_id, body.changes())))


@router.post("/candidates/{candidate_id}/withdrawal", response_model=CandidateOut,
             responses=ANSWERS)
def withdraw_candidate(candidate_id: CandidateId, caller: RegistrarDep, bus: BusDep,
                       body: WithdrawalIn | None = None):
    """Withdraw a candidate (reason from a closed list)."""
    reason = body.reason if body else None
    return respond(bus.handle(c.WithdrawCandidate(caller, candidate_id, reason)))


@router.delete("/candidates/{candidate_id}", status_code=204, responses=ANSWERS)
def erase_candidate(candidate_id: CandidateId, caller: RegistrarDep, bus: BusDep):
    """Erase the personal data of a withdrawn or housed candidate (history stays)."""
    return respond(bus.handle(c.EraseCandidate(caller, candidate_id)))
