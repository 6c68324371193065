"""Domain events the allocator emits.

Field names and types match the contracts of the same name in shared/contracts/events.py, so an adapter
can publish one with `Contract(**dataclasses.asdict(event))`; the domain itself stays free of
pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.contracts.vocabulary import DecidedBy, TargetGroup

from .model import Candidate, Explanation, Placement, Proposal, RankedCandidate, Vacancy

__all__ = [
    "CandidateLapsed", "CandidatePlaced", "CandidateProposed", "DomainEvent", "Explanation",
    "ProposalAccepted", "ProposalCancelled", "ProposalDeclined", "ProposalExpired",
    "ProposalWithdrawn", "RankedCandidate", "VacancyLabelled",
]


@dataclass(frozen=True)
class VacancyLabelled:
    """The controller's decision for a vacancy; emitted again (labelled=False) on release."""

    vacancy_id: str
    bag_id: str
    municipality: str
    labelled: bool
    reason: str
    decided_on: date


@dataclass(frozen=True)
class CandidateProposed:
    proposal_id: str
    vacancy_id: str
    bag_id: str
    candidate_id: str
    municipality: str
    origin_municipality: str
    corporation: str
    care_provider: str | None
    registered_by: str
    target_group: TargetGroup
    proposed_on: date
    expires_on: date
    explanation: Explanation

    @classmethod
    def of(cls, proposal: Proposal, vacancy: Vacancy, candidate: Candidate) -> "CandidateProposed":
        return cls(
            proposal_id=proposal.id, vacancy_id=vacancy.id, bag_id=vacancy.bag_id,
            candidate_id=candidate.id, municipality=vacancy.municipality,
            origin_municipality=candidate.registration_municipality,
            corporation=vacancy.corporation, care_provider=candidate.needs.care_provider,
            registered_by=candidate.registered_by, target_group=proposal.category,
            proposed_on=proposal.proposed_on, expires_on=proposal.expires_on,
            explanation=proposal.explanation,
        )


@dataclass(frozen=True)
class ProposalAccepted:
    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    accepted_on: date


@dataclass(frozen=True)
class ProposalDeclined:
    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    decided_by: DecidedBy
    reason_code: str  # from shared/contracts/decline_reasons.json; never free text
    declined_on: date
    parked_until: date | None = None


@dataclass(frozen=True)
class ProposalExpired:
    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    expired_on: date


@dataclass(frozen=True)
class CandidatePlaced:
    placement_id: str
    proposal_id: str
    vacancy_id: str
    bag_id: str
    candidate_id: str
    municipality: str
    origin_municipality: str
    target_group: TargetGroup
    urgency_granted_on: date | None
    move_in_date: date

    @classmethod
    def of(cls, placement: Placement) -> "CandidatePlaced":
        return cls(
            placement_id=placement.id, proposal_id=placement.proposal_id,
            vacancy_id=placement.vacancy_id, bag_id=placement.bag_id,
            candidate_id=placement.candidate_id, municipality=placement.municipality,
            origin_municipality=placement.origin_municipality,
            target_group=placement.target_group,
            urgency_granted_on=placement.urgency_granted_on,
            move_in_date=placement.move_in_date,
        )


@dataclass(frozen=True)
class ProposalWithdrawn:
    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    reason_code: str
    withdrawn_on: date


@dataclass(frozen=True)
class ProposalCancelled:
    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    cancelled_by: DecidedBy
    reason_code: str
    cancelled_on: date


@dataclass(frozen=True)
class CandidateLapsed:
    candidate_id: str
    municipality: str  # the municipality that granted the urgency
    category: TargetGroup
    lapsed_on: date
    reason_code: str  # LAPSED_BY_REFUSALS or LAPSED_BY_UNANSWERED
    count: int


DomainEvent = (
    VacancyLabelled | CandidateProposed | ProposalAccepted | ProposalDeclined | ProposalExpired
    | CandidatePlaced | ProposalWithdrawn | ProposalCancelled | CandidateLapsed
)
