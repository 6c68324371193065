"""Pure allocation domain: no FastAPI, Kafka, SQL or pydantic of its own.

Entry point: `Allocator` (one scope's state; commands return domain events). The pieces it is
made of are usable on their own, as the simulator does: `rules.eligibility`, `ranking.rank`,
`controller.decide`.
"""

from .allocator import Allocator
from .controller import FairShareState, LabelCode, LabelDecision, Pacing, decide, order_by_lag
from .errors import (
    AllocationError,
    InvalidResponse,
    ProposalNotAccepted,
    ProposalNotCancellable,
    ProposalNotOpen,
    UnknownCandidate,
    UnknownProposal,
    UnknownVacancy,
)
from .events import (
    CandidateLapsed,
    CandidatePlaced,
    CandidateProposed,
    DomainEvent,
    ProposalAccepted,
    ProposalCancelled,
    ProposalDeclined,
    ProposalExpired,
    ProposalWithdrawn,
    VacancyLabelled,
)
from .limits import INCOME_LIMITS_2025, IncomeLimits
from .model import (
    Agreement,
    Candidate,
    CandidateStatus,
    CategoryRule,
    CancellationReason,
    Decision,
    Explanation,
    Letting,
    MunicipalityRef,
    MunicipalityTarget,
    Needs,
    Placement,
    Proposal,
    ProposalStatus,
    RankedCandidate,
    Realisation,
    Urgency,
    Vacancy,
    VacancyStatus,
)
from .policy import AllocationPolicy
from .ranking import ScoreWeights
from .rules import EligibilityContext, Exclusion, eligibility

__all__ = [
    "INCOME_LIMITS_2025", "Agreement", "AllocationError", "AllocationPolicy", "Allocator",
    "Candidate", "CandidatePlaced", "CandidateProposed", "CandidateStatus", "CategoryRule",
    "Decision", "DomainEvent", "EligibilityContext", "Exclusion", "Explanation", "Pacing",
    "FairShareState", "IncomeLimits", "InvalidResponse", "LabelCode", "LabelDecision", "Letting",
    "MunicipalityRef", "MunicipalityTarget", "Needs", "Placement", "Proposal",
    "ProposalAccepted", "ProposalDeclined", "ProposalExpired", "ProposalNotAccepted",
    "ProposalNotOpen", "ProposalStatus", "RankedCandidate", "Realisation", "ScoreWeights",
    "UnknownCandidate", "UnknownProposal", "Urgency", "Vacancy", "VacancyLabelled",
    "VacancyStatus", "decide", "eligibility", "order_by_lag",
    "CandidateLapsed", "CancellationReason", "ProposalCancelled", "ProposalNotCancellable",
    "ProposalWithdrawn", "UnknownVacancy",
]
