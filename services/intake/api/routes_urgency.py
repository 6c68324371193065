"""Urgency decisions: by the municipality a candidate is registered in."""

from __future__ import annotations

from services.intake.api.deps import BusDep, MunicipalityDep
from services.intake.api.replies import respond
from services.intake.api.routes_candidates import CandidateId
from services.intake.api.schemas import UrgencyDecisionIn, UrgencyDecisionOut
from services.intake.domain.commands import DecideUrgency
from shared.api import json_router

router = json_router(tags=["urgency"])


@router.post("/candidates/{candidate_id}/urgency-decisions", status_code=201,
             response_model=UrgencyDecisionOut,
             responses={404: {"description": "unknown, or registered in another municipality"}})
def decide_urgency(candidate_id: CandidateId, body: UrgencyDecisionIn,
                   caller: MunicipalityDep, bus: BusDep):
    """Grant or refuse urgency; a grant is valid until `validUntil` (inclusive)."""
    return respond(bus.handle(DecideUrgency(caller, candidate_id, body.decision,
                                            body.category, body.valid_until, body.reason,
                                            decided_on=body.decided_on)))
