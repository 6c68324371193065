"""Request and response bodies of the intake API (camelCase on the wire).

Request models forbid unknown fields: a misspelt field must fail loudly, not be dropped.
Types and ranges are checked here; domain rules (elfproef, known municipalities) in
`domain.rules`, so that the CSV import applies exactly the same checks.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from services.intake.domain.age import MIN_AGE, OLDEST_BIRTH_YEAR
from services.intake.domain.geography import load_geography
from services.intake.domain.model import (
    CandidateStatus,
    Decision,
    NeedsSpec,
    Person,
    RevocationReason,
    Situation,
    UrgencyStatus,
    WithdrawalReason,
)
from shared.contracts.openapi import BSN, NON_BLANK, enforced, stated
from shared.contracts.periods import today_amsterdam
from shared.contracts.vocabulary import Accessibility, AgeBand, IncomeClass, TargetGroup

MAX_MUNICIPALITIES = 10
# What the domain rules accept, stated in the schema (the rules themselves stay in the domain)
_GEOGRAPHY = load_geography()
MUNICIPALITY = {"enum": sorted(_GEOGRAPHY.municipalities)}
MUNICIPALITIES = {"items": MUNICIPALITY, "uniqueItems": True}
REGION_BINDING = {"enum": sorted({_GEOGRAPHY.province_scope, *_GEOGRAPHY.regions,
                                  *_GEOGRAPHY.municipalities})}
DISJOINT = enforced("no municipality both preferred and excluded", **MUNICIPALITIES)


class Strict(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid",
                              str_strip_whitespace=True)


class NeedsIn(Strict):
    accessibility: Accessibility = Accessibility.GEEN
    min_rooms: int | None = Field(default=None, ge=1, le=12)
    ambulant_support: bool = False
    care_provider: str | None = Field(default=None, min_length=1, max_length=100,
                                      json_schema_extra={"pattern": NON_BLANK})

    def spec(self) -> NeedsSpec:
        return NeedsSpec(self.accessibility, self.min_rooms, self.ambulant_support,
                         self.care_provider)


class CandidateIn(Strict):
    bsn: str = Field(max_length=20, description="burgerservicenummer: 9 digits, elfproef",
                     examples=["111222333"], json_schema_extra={"pattern": BSN, "format": "bsn"})
    name: str | None = Field(default=None, min_length=1, max_length=200,
                             json_schema_extra={"pattern": NON_BLANK})
    birth_year: int | None = Field(
        default=None, description=f"stays in intake; events carry an age band; the candidate "
                                  f"turns {MIN_AGE} this year at the latest",
        json_schema_extra=enforced(f"{MIN_AGE} years or older this year",
                                   minimum=OLDEST_BIRTH_YEAR,
                                   maximum=today_amsterdam().year - MIN_AGE))
    household_size: int = Field(ge=1, le=20)
    yearly_income: float = Field(ge=0, le=10_000_000, allow_inf_nan=False,
                                 description="household income per year in EUR")
    target_group: TargetGroup
    needs: NeedsIn = Field(default_factory=NeedsIn)
    registration_municipality: str = Field(max_length=6, examples=["GM0014"],
                                           description="CBS code of a municipality of the "
                                                       "province; it decides on urgency",
                                           json_schema_extra=MUNICIPALITY)
    preferred_municipalities: list[str] = Field(default_factory=list,
                                                max_length=MAX_MUNICIPALITIES,
                                                json_schema_extra=MUNICIPALITIES)
    excluded_municipalities: list[str] = Field(default_factory=list,
                                               max_length=MAX_MUNICIPALITIES,
                                               json_schema_extra=DISJOINT)
    region_binding: str | None = Field(default=None, max_length=40,
                                       description="'province', a woondeal region or a CBS code",
                                       json_schema_extra=REGION_BINDING)
    available_from: date | None = None
    registered_on: date | None = Field(
        default=None, description="the date of the registration when it is recorded "
                                  "afterwards; default: today",
        json_schema_extra=enforced("at most two years back, never in the future"))

    def person(self) -> Person:
        return Person(self.bsn, self.name, self.birth_year, self.yearly_income)

    def situation(self) -> Situation:
        return Situation(
            household_size=self.household_size, target_group=self.target_group,
            needs=self.needs.spec(), registration_municipality=self.registration_municipality,
            preferred_municipalities=tuple(self.preferred_municipalities),
            excluded_municipalities=tuple(self.excluded_municipalities),
            region_binding=self.region_binding, available_from=self.available_from,
        )


class CandidatePatch(Strict):
    """JSON merge patch. Fields typed without `None` refuse an explicit null; the others
    are cleared by one. `needs` is replaced as a whole. BSN, birth year and registration
    municipality cannot change: withdraw and register anew."""

    name: str | None = Field(default=None, min_length=1, max_length=200,
                             json_schema_extra={"pattern": NON_BLANK})
    household_size: int = Field(default=None, ge=1, le=20)
    yearly_income: float = Field(default=None, ge=0, le=10_000_000, allow_inf_nan=False)
    target_group: TargetGroup = None
    needs: NeedsIn = None
    preferred_municipalities: list[str] = Field(default=None, max_length=MAX_MUNICIPALITIES,
                                                json_schema_extra=MUNICIPALITIES)
    excluded_municipalities: list[str] = Field(default=None, max_length=MAX_MUNICIPALITIES,
                                               json_schema_extra=DISJOINT)
    region_binding: str | None = Field(default=None, max_length=40,
                                       json_schema_extra=REGION_BINDING)
    available_from: date | None = None

    def changes(self) -> dict:
        """Set fields as Person/Situation attributes."""
        changes = {}
        for name in self.model_fields_set:
            value = getattr(self, name)
            if name == "needs":
                value = value.spec()
            elif name.endswith("_municipalities"):
                value = tuple(value)
            changes[name] = value
        return changes


class WithdrawalIn(Strict):
    reason: WithdrawalReason | None = None


class UrgencyDecisionIn(Strict):
    # stated for clients: a refused urgency has no validUntil; the date window of a grant
    model_config = ConfigDict(json_schema_extra=stated(
        properties={"validUntil": enforced("after the decision date, at most five years "
                                           "ahead; only for a granted urgency")},
        **{"if": {"properties": {"decision": {"const": "refused"}}, "required": ["decision"]},
           "then": {"properties": {"validUntil": {"type": "null"}}}}))

    decision: Decision
    category: TargetGroup | None = Field(default=None, description="required to grant or "
                                                                   "refuse")
    valid_until: date | None = Field(default=None, description="last valid day; default: "
                                                               "the decision date plus the "
                                                               "configured validity; "
                                                               "required to extend")
    reason: str | None = Field(default=None, max_length=2000,
                               description="stays in intake, encrypted; never in events")
    reason_code: RevocationReason | None = Field(default=None,
                                                 description="required to revoke")
    article: str | None = Field(default=None, min_length=1, max_length=80,
                                description="article of the verordening, e.g. 'art. 2.6'")
    decided_on: date | None = Field(
        default=None, description="the date of the decision when it is recorded afterwards; "
                                  "default: today",
        json_schema_extra=enforced("at most two years back, never in the future"))


class UrgencyApplicationIn(Strict):
    category: TargetGroup
    document_references: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=20,
        description="references to the grounds' documents in the applicant's own system "
                    "(never the documents); kept encrypted in intake, never in events")


# --- responses (documentation of what the handlers' views return) ------------------------


class Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class PersonOut(Out):
    bsn_masked: str = Field(description="only the last three digits")
    name: str | None
    birth_year: int | None
    yearly_income: float


class NeedsOut(Out):
    accessibility: Accessibility
    min_rooms: int | None
    ambulant_support: bool
    care_provider: str | None


class UrgencyOut(Out):
    status: UrgencyStatus
    category: TargetGroup
    municipality: str
    decided_on: date
    valid_until: date | None
    expired_on: date | None


class CandidateOut(Out):
    id: str
    status: CandidateStatus
    registered_by: str
    registered_on: date
    person: PersonOut | None = Field(description="null after erasure, and in a "
                                                 "municipality's worklist")
    age_band: AgeBand
    income_class: IncomeClass
    household_size: int
    target_group: TargetGroup
    needs: NeedsOut
    registration_municipality: str
    preferred_municipalities: list[str]
    excluded_municipalities: list[str]
    region_binding: str | None
    available_from: date | None
    urgency: UrgencyOut | None
    withdrawn_on: date | None
    withdrawal_reason: WithdrawalReason | None
    housed_on: date | None
    erased_on: date | None


class CandidatePage(Out):
    items: list[CandidateOut]
    page: int
    page_size: int
    total: int


class UrgencyDecisionOut(Out):
    id: str
    candidate_id: str
    decision: Decision
    category: TargetGroup
    municipality: str
    decided_on: date
    valid_until: date | None
    reason: str | None
    reason_code: RevocationReason | None = None
    article: str | None = None


class UrgencyApplicationOut(Out):
    id: str
    candidate_id: str
    category: TargetGroup
    municipality: str
    applied_on: date
    applied_by: str
    document_references: list[str]


class ImportedRow(Out):
    row: int
    id: str


class ImportOut(Out):
    imported: int
    candidates: list[ImportedRow]
