"""Assessments: why (not) this candidate for this vacancy."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from services.allocation.api.deps import BusDep, ReaderDep
from services.allocation.api.schemas import AssessmentOut
from services.allocation.service import commands as c
from shared.api import json_router

router = json_router(tags=["assessments"])
VacancyId = Annotated[str, Path(alias="vacancyId", max_length=64)]
CandidateId = Annotated[str, Path(alias="candidateId", max_length=64)]


@router.get("/vacancies/{vacancyId}/assessments/{candidateId}", response_model=AssessmentOut,
            responses={404: {"description": "unknown, or neither the vacancy's corporation "
                                            "nor one of the candidate's parties"}})
def assess(vacancy_id: VacancyId, candidate_id: CandidateId, caller: ReaderDep, bus: BusDep):
    """Each hard rule with its verdict and the values it compared, the rank and score
    components when eligible, or why the vacancy was not labelled at all."""
    return AssessmentOut.of(bus.handle(c.AssessCandidate(caller, vacancy_id, candidate_id)))
