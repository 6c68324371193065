"""Urgency decisions: by the municipality a candidate is registered in."""

from __future__ import annotations

from services.intake.api.deps import ApplicantDep, BusDep, MunicipalityDep
from services.intake.api.replies import respond
from services.intake.api.routes_candidates import CandidateId
from services.intake.api.schemas import (
    UrgencyApplicationIn,
    UrgencyApplicationOut,
    UrgencyDecisionIn,
    UrgencyDecisionOut,
)
from services.intake.service.commands import ApplyForUrgency, DecideUrgency
from shared.api import json_router

router = json_router(tags=["urgency"])


@router.post("/candidates/{candidate_id}/urgency-applications", status_code=201,
             response_model=UrgencyApplicationOut,
             responses={404: {"description": "unknown, or not yours to apply for"},
                        409: {"description": "the candidate is no longer active"}})
def apply_for_urgency(candidate_id: CandidateId, body: UrgencyApplicationIn,
                      caller: ApplicantDep, bus: BusDep):
    """Apply for urgency (the registering care provider or care office, or the registration
    municipality), with the grounds: a category and references to documents."""
    return respond(bus.handle(ApplyForUrgency(caller, candidate_id, body.category,
                                              tuple(body.document_references))))


@router.post("/candidates/{candidate_id}/urgency-decisions", status_code=201,
             response_model=UrgencyDecisionOut,
             responses={404: {"description": "unknown, or registered in another municipality"}})
def decide_urgency(candidate_id: CandidateId, body: UrgencyDecisionIn,
                   caller: MunicipalityDep, bus: BusDep):
    """Grant, refuse, revoke (with a `reasonCode`) or extend (with a later `validUntil`) an
    urgency; a grant is valid until `validUntil` (inclusive)."""
    return respond(bus.handle(DecideUrgency(caller, candidate_id, body.decision,
                                            body.category, body.valid_until, body.reason,
                                            body.reason_code, body.article,
                                            decided_on=body.decided_on)))
