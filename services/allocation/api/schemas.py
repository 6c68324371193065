"""Request and response bodies of the allocation API (camelCase on the wire).

Request models forbid unknown fields: a misspelt field must fail loudly, not be dropped.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from services.allocation.domain import CancellationReason, Decision
from services.allocation.service.views import DeclineNote, PlacementView, ProposalView
from shared.contracts.openapi import enforced
from shared.contracts.vocabulary import DecidedBy

MAX_PAGE = 100_000  # beyond any real list; keeps the offset within a database integer


class Strict(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid",
                              str_strip_whitespace=True)


class Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


# --- requests -------------------------------------------------------------------------------


class ResponseIn(Strict):
    # stated for clients: the reason the validator below requires on a decline
    model_config = ConfigDict(json_schema_extra={
        "if": {"properties": {"decision": {"const": "declined"}}, "required": ["decision"]},
        "then": {"required": ["reason"],
                 "properties": {"reason": {"type": "string", "pattern": r"\S"}}}})

    decision: Decision
    decided_by: DecidedBy = Field(description="whose answer this is: the corporation's or "
                                              "the candidate's (given by their organisation)")
    reason_code: str | None = Field(
        default=None, min_length=1, max_length=60,
        examples=["no-show", "dwelling-not-suitable"],
        description="required when declined: a code of the deciding party from "
                    "GET /v1/decline-reasons; some codes park the candidate for a while")
    note: str | None = Field(
        default=None, min_length=1, max_length=1000,
        description="optional explanation; stays in allocation, readable only by the "
                    "proposal's corporation and the candidate's organisations")
    on: date | None = Field(default=None, description="the day of the answer when it is "
                                                      "reported afterwards; default: today",
                            json_schema_extra=enforced("not before the proposal, not in the "
                                                       "future"))


class MoveInIn(Strict):
    date: date


class CancellationIn(Strict):
    reason_code: CancellationReason = Field(description="why the accepted proposal is undone")


# --- responses ------------------------------------------------------------------------------


class AnswerOut(Out):
    decision: Decision
    on: date
    reason_code: str | None = Field(default=None, validation_alias="reason")


class DeclineNoteOut(Out):
    decided_by: str
    note: str


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
    def of(cls, row: ProposalView) -> "ProposalSummaryOut":
        return cls.model_validate(_proposal_fields(row))


class ProposalOut(ProposalSummaryOut):
    closed_by: str | None = None
    close_reason: str | None = Field(default=None, description="the decline reason code")
    explanation: ExplanationOut
    notes: list[DeclineNoteOut] | None = Field(
        default=None, description="notes given with a decline; only for the proposal's parties")

    @classmethod
    def of(cls, row: ProposalView, notes: list[DeclineNote] | None = None
           ) -> "ProposalOut":
        return cls.model_validate(_proposal_fields(row) | {
            "closed_by": row.closed_by, "close_reason": row.close_reason,
            "explanation": row.explanation,
            "notes": None if notes is None else [
                {"decided_by": n.decided_by, "note": n.note} for n in notes]})


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
    def of(cls, row: PlacementView) -> "PlacementOut":
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


def _proposal_fields(row: ProposalView) -> dict:
    return {
        "id": row.id, "vacancy_id": row.vacancy_id, "bag_id": row.bag_id,
        "candidate_id": row.candidate_id, "status": row.status, "municipality": row.municipality,
        "origin_municipality": row.origin_municipality, "corporation": row.corporation,
        "target_group": row.target_group, "attempt": row.attempt,
        "proposed_on": row.proposed_on, "expires_on": row.expires_on,
        "closed_on": row.closed_on, "responses": row.responses,
    }


# --- assessments ----------------------------------------------------------------------------


class RuleCheckOut(Out):
    rule: str
    passed: bool
    compared: dict = Field(description="the values the rule compared")


class FairShareOut(Out):
    municipality: str
    period: str
    target: int
    expected_lettings: float
    cap_share: float
    urgent_so_far: int
    lettings_so_far: int
    # a count, not a date: the format tells the Design Rules linter's date heuristic so
    expected_to_date: float = Field(json_schema_extra={"format": "double"})


class AssessmentOut(Out):
    vacancy_id: str
    candidate_id: str
    assessed_on: date = Field(description="the day of the vacancy's latest proposal (else of "
                                          "the controller's decision)")
    labelled: bool | None = Field(description="false: the vacancy was not labelled for an "
                                              "urgent candidate at all (see labelReason)")
    label_reason: str | None
    fair_share: FairShareOut | None = Field(description="the municipality's figures now")
    eligible: bool
    failed: list[str]
    checks: list[RuleCheckOut]
    proposal_id: str | None = None
    rank: int | None = Field(default=None, description="in the proposal's explanation")
    score: float | None = None
    components: dict[str, float] | None = None

    @classmethod
    def of(cls, a) -> "AssessmentOut":
        state = a.fair_share
        fair_share = None if state is None else FairShareOut(
            municipality=state.municipality, period=state.period, target=state.target,
            expected_lettings=state.expected_lettings, cap_share=state.cap_share,
            urgent_so_far=state.urgent_so_far, lettings_so_far=state.lettings_so_far,
            expected_to_date=round(state.expected_to_date, 6))
        return cls(vacancy_id=a.vacancy_id, candidate_id=a.candidate_id,
                   assessed_on=a.assessed_on, labelled=a.labelled, label_reason=a.label_reason,
                   fair_share=fair_share, eligible=a.eligible, failed=a.failed,
                   checks=[RuleCheckOut(rule=k.rule, passed=k.passed, compared=k.compared)
                           for k in a.checks],
                   proposal_id=a.proposal_id, rank=a.rank, score=a.score,
                   components=a.components)
