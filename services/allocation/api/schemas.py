"""Request and response bodies of the allocation API (camelCase on the wire).

Request models forbid unknown fields: a misspelt field must fail loudly, not be dropped.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.alias_generators import to_camel

from services.allocation.adapters.tables import PlacementRow, ProposalRow
from services.allocation.domain import Decision
from shared.vocabulary import DecidedBy

MAX_PAGE = 100_000  # beyond any real list; keeps the offset within a database integer


class Strict(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid",
                              str_strip_whitespace=True)


class Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


# --- requests -------------------------------------------------------------------------------


class ResponseIn(Strict):
    decision: Decision
    decided_by: DecidedBy = Field(description="whose answer this is: the corporation's or "
                                              "the candidate's (given by their organisation)")
    reason: str | None = Field(default=None, min_length=1, max_length=500,
                               validate_default=True,
                               examples=["no-show", "dwelling-not-suitable"],
                               description="required when declined; known reasons park the "
                                           "candidate for a while")
    on: date | None = Field(default=None, description="the day of the answer when it is "
                                                      "reported afterwards (not before the "
                                                      "proposal, not in the future); default: "
                                                      "today")

    @field_validator("reason")
    @classmethod
    def _required_when_declined(cls, reason: str | None, info: ValidationInfo) -> str | None:
        # a validator on the field (not the model), so the 422 names `reason`
        if info.data.get("decision") is Decision.DECLINED and not reason:
            raise ValueError("required when the proposal is declined")
        return reason


class MoveInIn(Strict):
    date: date


# --- responses ------------------------------------------------------------------------------


class AnswerOut(Out):
    decision: Decision
    on: date
    reason: str | None = None


class ResponsesOut(Out):
    corporation: AnswerOut | None = None
    candidate: AnswerOut | None = None


class RankedOut(Out):
    candidate_id: str
    score: float
    components: dict[str, float]


class ExplanationOut(Out):
    label_reason: str
    eligible_count: int
    ranked: list[RankedOut]
    excluded: dict[str, int] = Field(description="rule -> candidates it excluded")


class ProposalSummaryOut(Out):
    id: str
    vacancy_id: str
    bag_id: str
    candidate_id: str
    status: str
    municipality: str
    origin_municipality: str
    corporation: str
    target_group: str
    attempt: int
    proposed_on: date
    expires_on: date
    closed_on: date | None = None
    responses: ResponsesOut

    @classmethod
    def of(cls, row: ProposalRow) -> "ProposalSummaryOut":
        return cls.model_validate(_proposal_fields(row))


class ProposalOut(ProposalSummaryOut):
    closed_by: str | None = None
    close_reason: str | None = None
    explanation: ExplanationOut

    @classmethod
    def of(cls, row: ProposalRow) -> "ProposalOut":
        return cls.model_validate(_proposal_fields(row) | {
            "closed_by": row.closed_by, "close_reason": row.close_reason,
            "explanation": row.explanation})


class ProposalPage(Out):
    items: list[ProposalSummaryOut]
    page: int
    page_size: int
    total: int


class PlacementOut(Out):
    id: str
    proposal_id: str
    vacancy_id: str
    bag_id: str
    candidate_id: str
    municipality: str
    origin_municipality: str
    corporation: str
    target_group: str
    urgency_granted_on: date | None = None
    move_in_date: date

    @classmethod
    def of(cls, row: PlacementRow) -> "PlacementOut":
        return cls(id=row.id, proposal_id=row.proposal_id, vacancy_id=row.vacancy_id,
                   bag_id=row.bag_id, candidate_id=row.candidate_id,
                   municipality=row.municipality, origin_municipality=row.origin_municipality,
                   corporation=row.corporation, target_group=row.target_group,
                   urgency_granted_on=row.urgency_granted_on, move_in_date=row.move_in_date)


class PlacementPage(Out):
    items: list[PlacementOut]
    page: int
    page_size: int
    total: int


def _proposal_fields(row: ProposalRow) -> dict:
    return {
        "id": row.id, "vacancy_id": row.vacancy_id, "bag_id": row.bag_id,
        "candidate_id": row.candidate_id, "status": row.status, "municipality": row.municipality,
        "origin_municipality": row.origin_municipality, "corporation": row.corporation,
        "target_group": row.target_group, "attempt": row.attempt,
        "proposed_on": row.proposed_on, "expires_on": row.expires_on,
        "closed_on": row.closed_on, "responses": row.responses,
    }
