"""The allocation domain's nouns: plain dataclasses, no I/O.

Facts that arrive from other services (municipality, agreement, dwelling vacancy, candidate
profile) are kept next to the state allocation adds to them (labels, proposals, placements).
Entities with a lifecycle are mutable, and note their changes for storing (`tracking`);
values are frozen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property

from shared.contracts.periods import Period
from shared.contracts.vocabulary import (
    Accessibility,
    DecidedBy,
    IncomeClass,
    TargetGroup,
    TenantType,
)

from .tracking import Tracked

# --- reference data -----------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityRef:
    code: str  # CBS code, GMxxxx
    region: str  # woondeal region; may span provinces, so never derived from the province
    province: str
    population: int
    care_providers: tuple[str, ...] = ()  # providers offering ambulant support here
    name: str = ""


@dataclass(frozen=True)
class CategoryRule:
    category: TargetGroup
    validity_days: int  # how long the verordening keeps this urgency valid
    lapse_after_refusals: int | None = None  # declines without a valid reason that end it
    lapse_after_unanswered: int | None = None  # expired proposals that end it


@dataclass(frozen=True)
class MunicipalityTarget:
    municipality: str
    target: int  # base target plus carry-over for the period, never below 0
    expected_lettings: float  # lettings the municipality expects in the whole period
    key: float = 0.0
    base_target: int = 0
    carry_over: int = 0


@dataclass(frozen=True)
class Agreement:
    """The fair-share agreement of one scope for one period (a versioned configuration)."""

    scope: str
    period: Period
    urgent_share: float
    cap_share: float  # at most this share of a municipality's lettings to priority groups
    categories: tuple[CategoryRule, ...]  # in order of priority, highest first
    targets: tuple[MunicipalityTarget, ...]
    version: int = 1

    def rule_for(self, category: TargetGroup) -> CategoryRule | None:
        return next((rule for rule in self.categories if rule.category == category), None)

    def target_for(self, municipality: str) -> MunicipalityTarget | None:
        return self._targets_by_municipality.get(municipality)

    @cached_property
    def _targets_by_municipality(self) -> dict[str, MunicipalityTarget]:
        # Looked up on every vacancy; a national agreement holds some 340 municipalities.
        return {t.municipality: t for t in self.targets}

    @property
    def category_order(self) -> tuple[TargetGroup, ...]:
        return tuple(rule.category for rule in self.categories)

    @property
    def municipalities(self) -> tuple[str, ...]:
        return tuple(t.municipality for t in self.targets)


# --- candidates ---------------------------------------------------------------------------


class CandidateStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"  # final here: re-entry comes from intake as a new candidate id
    PLACED = "placed"


@dataclass(frozen=True)
class Needs:
    accessibility: Accessibility = Accessibility.GEEN
    min_rooms: int | None = None
    ambulant_support: bool = False
    care_provider: str | None = None  # None: any provider serving the destination will do


@dataclass(frozen=True)
class Urgency:
    category: TargetGroup
    granted_on: date
    valid_until: date  # inclusive; as decided by the municipality
    municipality: str = ""  # the municipality that granted it

    def valid_on(self, day: date) -> bool:
        return self.granted_on <= day <= self.valid_until


@dataclass
class Candidate(Tracked):
    id: str  # pseudonym handed out by intake
    household_size: int
    income_class: IncomeClass
    target_group: TargetGroup
    registration_municipality: str  # the origin in the fair-share balance
    registered_by: str
    needs: Needs = Needs()
    preferred_municipalities: tuple[str, ...] = ()
    excluded_municipalities: tuple[str, ...] = ()  # safety: never propose there
    region_binding: str | None = None
    available_from: date | None = None
    urgency: Urgency | None = None
    parked_until: date | None = None  # inclusive: not proposed on or before this day
    status: CandidateStatus = CandidateStatus.ACTIVE
    refusals: int = 0  # declines without a valid reason under the current urgency
    unanswered: int = 0  # proposals expired unanswered under the current urgency

    def is_parked_on(self, day: date) -> bool:
        return self.parked_until is not None and day <= self.parked_until


# Fields intake owns; the rest of a Candidate is state allocation keeps.
PROFILE_FIELDS = (
    "household_size", "income_class", "target_group", "registration_municipality",
    "registered_by", "needs", "preferred_municipalities", "excluded_municipalities",
    "region_binding", "available_from",
)


# --- vacancies ----------------------------------------------------------------------------


class VacancyStatus(StrEnum):
    OPEN = "open"
    LET = "let"  # let outside the platform's proposals, as the corporation reported
    WITHDRAWN = "withdrawn"
    PLACED = "placed"


@dataclass
class Vacancy(Tracked):
    id: str
    bag_id: str
    municipality: str
    corporation: str
    rooms: int
    monthly_rent: float
    accessibility: Accessibility
    available_from: date
    care_suitable: bool = False
    status: VacancyStatus = VacancyStatus.OPEN
    labelled: bool | None = None  # None until the controller decided
    label_reason: str | None = None
    decided_on: date | None = None


@dataclass(frozen=True)
class Letting:
    """A letting the corporation reports, possibly of a vacancy allocation never saw."""

    vacancy_id: str
    bag_id: str
    municipality: str
    corporation: str
    tenant_type: TenantType
    let_on: date


# --- proposals and placements -------------------------------------------------------------


class ProposalStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    PLACED = "placed"
    WITHDRAWN = "withdrawn"  # the candidacy ended while the proposal was live
    CANCELLED = "cancelled"  # accepted, then undone before the move-in


LIVE_STATUSES = frozenset({ProposalStatus.OPEN, ProposalStatus.ACCEPTED})


class CancellationReason(StrEnum):
    """Why an accepted proposal is undone: a closed list, since free text about a person
    must not reach a topic."""

    CANDIDATE_WITHDREW = "candidate-withdrew"
    DWELLING_UNAVAILABLE = "dwelling-unavailable"
    CARE_NOT_ARRANGED = "care-not-arranged"
    CONTRACT_NOT_SIGNED = "contract-not-signed"
    OTHER = "other"


class Decision(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


@dataclass(frozen=True)
class Response:
    decision: Decision
    on: date
    reason: str | None = None


@dataclass(frozen=True)
class RankedCandidate:
    candidate_id: str
    score: float
    components: dict[str, float]


@dataclass(frozen=True)
class Explanation:
    """Why this candidate: the top of the ranking and, for the others, the rules that excluded
    them (a candidate failing several rules counts under each)."""

    label_reason: str
    eligible_count: int
    ranked: tuple[RankedCandidate, ...]
    excluded: dict[str, int] = field(default_factory=dict)


@dataclass
class Proposal(Tracked):
    id: str
    vacancy_id: str
    candidate_id: str
    attempt: int  # 1 for the vacancy's first proposal, 2 after a decline or expiry, ...
    category: TargetGroup  # the priority group the candidate was proposed under
    urgency_granted_on: date  # kept: the urgency may lapse before the move-in
    proposed_on: date
    expires_on: date  # last day an answer is awaited
    explanation: Explanation
    status: ProposalStatus = ProposalStatus.OPEN
    corporation_response: Response | None = None
    candidate_response: Response | None = None
    closed_on: date | None = None
    closed_by: DecidedBy | None = None
    close_reason: str | None = None

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    def response_of(self, party: DecidedBy) -> Response | None:
        if party is DecidedBy.CORPORATION:
            return self.corporation_response
        return self.candidate_response

    def record(self, party: DecidedBy, response: Response) -> None:
        if party is DecidedBy.CORPORATION:
            self.corporation_response = response
        else:
            self.candidate_response = response

    @property
    def accepted_by_both(self) -> bool:
        responses = (self.corporation_response, self.candidate_response)
        return all(r is not None and r.decision is Decision.ACCEPTED for r in responses)


@dataclass(frozen=True)
class Placement:
    """A move-in of an urgent candidate: the unit of realisation."""

    id: str
    proposal_id: str
    vacancy_id: str
    bag_id: str
    candidate_id: str
    municipality: str
    origin_municipality: str
    target_group: TargetGroup
    urgency_granted_on: date | None
    move_in_date: date


@dataclass(frozen=True)
class Realisation:
    """One municipality's counts in one period (a read view, not state)."""

    municipality: str
    placements: int  # move-ins through the platform
    urgent_lettings: int  # placements, live proposals and urgent lettings reported outside
    lettings: int  # every letting counted: urgent and regular
    target: int | None = None
    expected_to_date: float | None = None
