"""Event contracts: one pydantic model per event type, versioned, pseudonymous only.

An event's CloudEvents `type` is `nl.woonregie.<service>.<name>.v<major>`. A consumer ignores
fields it does not know (minor, additive changes) and rejects a major version it does not know.
No model here may carry a BSN, a name, a birth year or contact data: the candidate is known
by the opaque id that intake hands out.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from shared.contracts import topics
from shared.contracts.decline_reasons import decline_reasons
from shared.contracts.topics import Topic
from shared.contracts.vocabulary import (
    Accessibility,
    AgeBand,
    DecidedBy,
    HousingType,
    IncomeClass,
    TargetGroup,
    TenantType,
)

TYPE_PREFIX = "nl.woonregie"


class WireModel(BaseModel):
    """camelCase on the wire, snake_case in Python; unknown fields are ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )

    def wire(self) -> dict:
        return self.model_dump(mode="json", by_alias=True)


class Event(WireModel):
    """Base of every event payload (the CloudEvents `data`)."""

    NAME: ClassVar[str]  # e.g. "registry.vacancy-announced"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[Topic]

    @classmethod
    def type_name(cls) -> str:
        return f"{TYPE_PREFIX}.{cls.NAME}.v{cls.VERSION}"

    def key(self) -> str:
        raise NotImplementedError

    def subject(self) -> str:
        return self.key()


# --- registry -----------------------------------------------------------------------------


class MunicipalityUpserted(Event):
    NAME = "registry.municipality-upserted"
    TOPIC = topics.MUNICIPALITIES

    code: str
    name: str
    region: str
    province: str
    population: int = Field(ge=0)
    care_providers: list[str] = Field(
        default_factory=list, description="care providers offering ambulant support here"
    )

    def key(self) -> str:
        return self.code


class DwellingFacts(WireModel):
    bag_id: str
    municipality: str
    corporation: str
    rooms: int = Field(ge=1)
    monthly_rent: float = Field(ge=0)
    accessibility: Accessibility
    care_suitable: bool = False
    neighbourhood: str | None = None


class DwellingUpserted(Event):
    NAME = "registry.dwelling-upserted"
    TOPIC = topics.DWELLINGS

    dwelling: DwellingFacts

    def key(self) -> str:
        return self.dwelling.bag_id


class VacancyAnnounced(Event):
    NAME = "registry.vacancy-announced"
    TOPIC = topics.VACANCIES

    vacancy_id: str
    available_from: date
    announced_at: datetime
    dwelling: DwellingFacts

    def key(self) -> str:
        return self.dwelling.bag_id


class VacancyWithdrawn(Event):
    NAME = "registry.vacancy-withdrawn"
    TOPIC = topics.VACANCIES

    vacancy_id: str
    bag_id: str
    municipality: str
    corporation: str
    withdrawn_on: date

    def key(self) -> str:
        return self.bag_id


class VacancyLet(Event):
    """A letting reported by the corporation, made outside the platform's proposals."""

    NAME = "registry.vacancy-let"
    TOPIC = topics.VACANCIES

    vacancy_id: str
    bag_id: str
    municipality: str
    corporation: str
    tenant_type: TenantType
    let_on: date

    def key(self) -> str:
        return self.bag_id


class FeedVacancyReported(Event):
    """Inbound record on the corporations' feed topic; registry validates and republishes."""

    NAME = "feed.vacancy-reported"
    TOPIC = topics.VACANCY_FEED
    # stated for the corporations (docs/asyncapi.yaml); registry's feed consumer enforces it
    model_config = ConfigDict(json_schema_extra={"allOf": [
        {"if": {"properties": {"action": {"const": "announced"}}},
         "then": {"required": ["availableFrom"]}},
        {"if": {"properties": {"action": {"const": "let"}}}, "then": {"required": ["tenantType"]}},
    ]})

    corporation: str = Field(description="your organisation, as in your API token")
    bag_id: str = Field(description="BAG verblijfsobject id, 16 digits; registered first",
                        json_schema_extra={"pattern": r"^[0-9]{16}$"})
    action: str = Field(description="announced | withdrawn | let",
                        json_schema_extra={"enum": ["announced", "withdrawn", "let"]})
    available_from: date | None = None
    tenant_type: TenantType | None = None
    let_on: date | None = None
    withdrawn_on: date | None = None
    announced_on: date | None = Field(default=None, description="for announced: the day it was "
                                                                "announced, when reported "
                                                                "afterwards; default: today")

    def key(self) -> str:
        return f"{self.corporation}:{self.bag_id}"


class CategoryRule(WireModel):
    category: TargetGroup
    validity_days: int = Field(ge=1)
    lapse_after_refusals: int | None = Field(
        default=None, ge=1, description="declines without a valid reason that end the urgency")
    lapse_after_unanswered: int | None = Field(
        default=None, ge=1, description="unanswered (expired) proposals that end the urgency")


class MunicipalityTarget(WireModel):
    municipality: str
    key: float = Field(ge=0)
    base_target: int = Field(ge=0)
    carry_over: int = 0
    target: int = Field(ge=0, description="base_target + carry_over, never below 0")
    expected_lettings: float = Field(ge=0)


class AgreementPublished(Event):
    NAME = "registry.agreement-published"
    TOPIC = topics.AGREEMENTS

    scope: str
    period: str
    version: int = Field(ge=1)
    period_start: date
    period_end: date
    urgent_share: float = Field(ge=0, le=1)
    cap_share: float = Field(ge=0, le=1)
    key_weights: dict[str, float]
    expected_lettings: int = Field(ge=0)
    categories: list[CategoryRule]
    municipalities: list[str]
    targets: list[MunicipalityTarget]
    stapeling_threshold: float | None = Field(
        default=None, description="woonzorgvisie: a wijk's pile-up index above this is flagged")

    def key(self) -> str:
        return f"{self.scope}:{self.period}"


# --- intake -------------------------------------------------------------------------------


class Needs(WireModel):
    accessibility: Accessibility = Accessibility.GEEN
    min_rooms: int | None = Field(default=None, ge=1)
    ambulant_support: bool = False
    care_provider: str | None = None


class CandidateProfile(WireModel):
    """Everything allocation and monitoring may know of a candidate."""

    age_band: AgeBand
    household_size: int = Field(ge=1)
    income_class: IncomeClass
    target_group: TargetGroup
    needs: Needs
    registration_municipality: str
    preferred_municipalities: list[str] = Field(default_factory=list)
    excluded_municipalities: list[str] = Field(default_factory=list)
    region_binding: str | None = None
    available_from: date | None = None
    registered_by: str = Field(description="organisation that registered the candidate")


class CandidateRegistered(Event):
    NAME = "intake.candidate-registered"
    TOPIC = topics.CANDIDATES

    candidate_id: str
    registered_on: date
    profile: CandidateProfile

    def key(self) -> str:
        return self.candidate_id


class CandidateUpdated(Event):
    NAME = "intake.candidate-updated"
    TOPIC = topics.CANDIDATES

    candidate_id: str
    updated_on: date
    profile: CandidateProfile

    def key(self) -> str:
        return self.candidate_id


class UrgencyGranted(Event):
    NAME = "intake.urgency-granted"
    TOPIC = topics.CANDIDATES

    candidate_id: str
    municipality: str
    category: TargetGroup
    granted_on: date
    valid_until: date
    article: str | None = Field(default=None, description="article of the verordening")

    def key(self) -> str:
        return self.candidate_id


class UrgencyRefused(Event):
    NAME = "intake.urgency-refused"
    TOPIC = topics.CANDIDATES

    candidate_id: str
    municipality: str
    category: TargetGroup
    refused_on: date
    article: str | None = Field(default=None, description="article of the verordening")

    def key(self) -> str:
        return self.candidate_id


class UrgencyExpired(Event):
    NAME = "intake.urgency-expired"
    TOPIC = topics.CANDIDATES

    candidate_id: str
    municipality: str
    expired_on: date

    def key(self) -> str:
        return self.candidate_id


class CandidateWithdrawn(Event):
    NAME = "intake.candidate-withdrawn"
    TOPIC = topics.CANDIDATES

    candidate_id: str
    withdrawn_on: date
    reason: str | None = None

    def key(self) -> str:
        return self.candidate_id


class CandidateErased(Event):
    """Personal data erased in intake; the pseudonymous history stays."""

    NAME = "intake.candidate-erased"
    TOPIC = topics.CANDIDATES

    candidate_id: str
    erased_on: date

    def key(self) -> str:
        return self.candidate_id


# --- allocation ---------------------------------------------------------------------------


class RankedCandidate(WireModel):
    candidate_id: str
    score: float
    components: dict[str, float]


class Explanation(WireModel):
    label_reason: str
    eligible_count: int = Field(ge=0)
    ranked: list[RankedCandidate]
    excluded: dict[str, int] = Field(
        default_factory=dict, description="rule name -> number of candidates it excluded"
    )


class VacancyLabelled(Event):
    """The fair-share controller's decision for one vacancy (labelled or not, and why)."""

    NAME = "allocation.vacancy-labelled"
    TOPIC = topics.PROPOSALS

    vacancy_id: str
    bag_id: str
    municipality: str
    labelled: bool
    reason: str
    decided_on: date

    def key(self) -> str:
        return self.vacancy_id


class CandidateProposed(Event):
    NAME = "allocation.candidate-proposed"
    TOPIC = topics.PROPOSALS

    proposal_id: str
    vacancy_id: str
    bag_id: str
    candidate_id: str
    municipality: str
    origin_municipality: str
    corporation: str
    care_provider: str | None = None
    registered_by: str
    target_group: TargetGroup
    proposed_on: date
    expires_on: date
    explanation: Explanation

    def key(self) -> str:
        return self.vacancy_id


class ProposalAccepted(Event):
    NAME = "allocation.proposal-accepted"
    TOPIC = topics.PROPOSALS

    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    accepted_on: date

    def key(self) -> str:
        return self.vacancy_id


class ProposalDeclined(Event):
    """A decline, with a code from the closed list (shared/contracts/decline_reasons.json), never text.

    Records written before the list carried free text in `reason`: they still decode (replay
    of old logs), the text mapped to the code it names or to the list's legacy code and then
    dropped, so no consumer ever sees it. Still v1: every consumer decodes both shapes.
    """

    NAME = "allocation.proposal-declined"
    TOPIC = topics.PROPOSALS

    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    decided_by: DecidedBy
    reason_code: str = Field(min_length=1, max_length=60)
    declined_on: date
    parked_until: date | None = None

    @model_validator(mode="before")
    @classmethod
    def _code_from_legacy_text(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "reasonCode" in data or "reason_code" in data:
            return data
        if "reason" not in data:
            return data
        party = data.get("decidedBy", data.get("decided_by", ""))
        upgraded = {k: v for k, v in data.items() if k != "reason"}
        upgraded["reasonCode"] = decline_reasons().code_of_legacy(party, data["reason"])
        return upgraded

    def key(self) -> str:
        return self.vacancy_id


class ProposalExpired(Event):
    NAME = "allocation.proposal-expired"
    TOPIC = topics.PROPOSALS

    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    expired_on: date

    def key(self) -> str:
        return self.vacancy_id


class CandidatePlaced(Event):
    """Move-in of an urgent candidate: the unit of realisation."""

    NAME = "allocation.candidate-placed"
    TOPIC = topics.PLACEMENTS

    placement_id: str
    proposal_id: str
    vacancy_id: str
    bag_id: str
    candidate_id: str
    municipality: str
    origin_municipality: str
    target_group: TargetGroup
    urgency_granted_on: date | None = None
    move_in_date: date

    def key(self) -> str:
        return self.candidate_id


# --- monitoring ---------------------------------------------------------------------------


class RealisationBandChanged(Event):
    NAME = "monitoring.realisation-band-changed"
    TOPIC = topics.ALERTS

    scope: str
    period: str
    municipality: str
    previous_status: str | None
    status: str
    realised: int
    expected_to_date: float
    target: int

    def key(self) -> str:
        return self.scope


class ProposalStalled(Event):
    NAME = "monitoring.proposal-stalled"
    TOPIC = topics.ALERTS

    scope: str
    proposal_id: str
    vacancy_id: str
    municipality: str
    open_days: int

    def key(self) -> str:
        return self.scope


# --- the urgency life cycle (issue 12) ----------------------------------------------------


class UrgencyApplied(Event):
    """An application for urgency; its grounds' documents stay with the applicant."""

    NAME = "intake.urgency-applied"
    TOPIC = topics.CANDIDATES

    candidate_id: str
    municipality: str
    category: TargetGroup
    applied_on: date
    applied_by: str = Field(description="organisation that applied")

    def key(self) -> str:
        return self.candidate_id


class UrgencyRevoked(Event):
    NAME = "intake.urgency-revoked"
    TOPIC = topics.CANDIDATES

    candidate_id: str
    municipality: str
    revoked_on: date
    reason_code: str
    article: str | None = None

    def key(self) -> str:
        return self.candidate_id


class UrgencyExtended(Event):
    NAME = "intake.urgency-extended"
    TOPIC = topics.CANDIDATES

    candidate_id: str
    municipality: str
    category: TargetGroup
    extended_on: date
    valid_until: date
    article: str | None = None

    def key(self) -> str:
        return self.candidate_id


class UrgencyLapsed(Event):
    """The urgency ended after too many refusals or unanswered proposals."""

    NAME = "intake.urgency-lapsed"
    TOPIC = topics.CANDIDATES

    candidate_id: str
    municipality: str
    lapsed_on: date
    reason_code: str = Field(description="refusals | unanswered")

    def key(self) -> str:
        return self.candidate_id


class ProposalWithdrawn(Event):
    """An open proposal closed because the candidacy ended (urgency gone, candidate gone)."""

    NAME = "allocation.proposal-withdrawn"
    TOPIC = topics.PROPOSALS

    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    reason_code: str
    withdrawn_on: date

    def key(self) -> str:
        return self.vacancy_id


class ProposalCancelled(Event):
    """An accepted proposal undone before the move-in: vacancy and candidate are free."""

    NAME = "allocation.proposal-cancelled"
    TOPIC = topics.PROPOSALS

    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    cancelled_by: DecidedBy
    reason_code: str
    cancelled_on: date

    def key(self) -> str:
        return self.vacancy_id


class CandidateLapsed(Event):
    """Allocation ended a candidacy under the agreement's lapse rule; intake records it."""

    NAME = "allocation.candidate-lapsed"
    TOPIC = topics.PROPOSALS

    candidate_id: str
    municipality: str = Field(description="the municipality that granted the urgency")
    category: TargetGroup
    lapsed_on: date
    reason_code: str = Field(description="refusals | unanswered")
    count: int = Field(ge=1)

    def key(self) -> str:
        return self.candidate_id


class AcceptedProposalStalled(Event):
    """An accepted proposal still without a move-in after the configured days."""

    NAME = "monitoring.accepted-proposal-stalled"
    TOPIC = topics.ALERTS

    scope: str
    proposal_id: str
    vacancy_id: str
    municipality: str
    accepted_on: date
    accepted_days: int

    def key(self) -> str:
        return self.scope


# --- woonzorgvisie -------------------------------------------------------------------------


class NeedFigure(WireModel):
    area: str = Field(description="CBS code of a municipality, wijk or buurt")
    year: int
    target_group: str
    housing_type: HousingType
    households: int = Field(ge=0)


class ForecastFigure(WireModel):
    area: str
    year: int
    age_band: str
    persons: int = Field(ge=0)


class NeedRate(WireModel):
    age_band: str
    housing_type: HousingType
    rate: float = Field(ge=0, le=1, description="share of the age band needing this type")


class ProgrammeFigure(WireModel):
    area: str
    year: int
    housing_type: HousingType
    change: int = Field(description="dwellings added (+) or demolished (-)")
    owner: str


class WoonzorgvisieImported(Event):
    """One accepted import; a later import of the same kind replaces the figures of the areas
    it names (docs/WOONZORGVISIE.md)."""

    NAME = "registry.woonzorgvisie-imported"
    TOPIC = topics.WOONZORGVISIE

    import_id: str
    kind: str = Field(description="housing-need | population-forecast | need-rates | "
                                  "building-programme")
    version: int = Field(ge=1)
    org: str
    source: str
    imported_at: datetime
    illustrative: bool = Field(default=False, description="a made-up example dataset, to be "
                                                          "labelled as such wherever it shows")
    need: list[NeedFigure] = Field(default_factory=list)
    forecast: list[ForecastFigure] = Field(default_factory=list)
    rates: list[NeedRate] = Field(default_factory=list)
    programme: list[ProgrammeFigure] = Field(default_factory=list)

    def key(self) -> str:
        return self.import_id


class StapelingFlagged(Event):
    """A wijk whose pile-up index crossed the agreement's threshold."""

    NAME = "monitoring.stapeling-flagged"
    TOPIC = topics.ALERTS

    scope: str
    period: str
    municipality: str
    wijk: str
    index: float
    threshold: float

    def key(self) -> str:
        return self.scope


EVENT_CLASSES: tuple[type[Event], ...] = (
    MunicipalityUpserted, DwellingUpserted, VacancyAnnounced, VacancyWithdrawn, VacancyLet,
    FeedVacancyReported, AgreementPublished,
    CandidateRegistered, CandidateUpdated, UrgencyGranted, UrgencyRefused, UrgencyExpired,
    CandidateWithdrawn, CandidateErased,
    VacancyLabelled, CandidateProposed, ProposalAccepted, ProposalDeclined, ProposalExpired,
    CandidatePlaced,
    RealisationBandChanged, ProposalStalled,
    WoonzorgvisieImported, StapelingFlagged,
)
EVENT_CLASSES += (
    UrgencyApplied, UrgencyRevoked, UrgencyExtended, UrgencyLapsed,
    ProposalWithdrawn, ProposalCancelled, CandidateLapsed, AcceptedProposalStalled,
)

# name -> {major version -> class}
REGISTRY: dict[str, dict[int, type[Event]]] = {}
for _cls in EVENT_CLASSES:
    REGISTRY.setdefault(f"{TYPE_PREFIX}.{_cls.NAME}", {})[_cls.VERSION] = _cls
