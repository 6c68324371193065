"""Request and response bodies of the registry API (camelCase on the wire).

Request models forbid unknown fields: a misspelt field must fail loudly, not be dropped.
Types and ranges are checked here; rules that need the registry's state (known
municipalities, ownership, BAG id format of path parameters) in the domain, so that the CSV
import and the feed apply the same checks.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from services.registry.domain.agreements import Agreement, AgreementTerms, CategoryRule
from services.registry.domain.dwellings import Dwelling
from services.registry.domain.municipalities import MunicipalityRecord
from services.registry.domain.vacancies import Vacancy, VacancySource, VacancyStatus
from shared.contracts.openapi import BAG_ID, CBS_CODE, enforced, stated
from shared.contracts.vocabulary import Accessibility, TargetGroup, TenantType

MAX_PAGE = 100_000  # beyond it an offset would overflow the database's integers


class Strict(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid",
                              str_strip_whitespace=True)


class Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


# --- reference data -----------------------------------------------------------------------


class MunicipalityIn(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=100,
                             description="default: unchanged")
    region: str = Field(min_length=1, max_length=60, examples=["oost-groningen"],
                        json_schema_extra=enforced("a region in the registry (GET /v1/regions)"))
    population: int = Field(ge=0, le=10_000_000)
    care_providers: list[str] = Field(default_factory=list, max_length=200,
                                      description="providers of ambulant support here")


class MunicipalityOut(Out):
    code: str
    name: str
    region: str
    province: str
    population: int
    care_providers: list[str]

    @classmethod
    def of(cls, record: MunicipalityRecord) -> "MunicipalityOut":
        return cls(code=record.code, name=record.name, region=record.region,
                   province=record.province, population=record.population,
                   care_providers=list(record.care_providers))


class RegionOut(Out):
    id: str
    name: str
    provinces: list[str]
    municipalities: list[str]


class CorporationOut(Out):
    id: str
    name: str


# --- stock --------------------------------------------------------------------------------


class DwellingIn(Strict):
    municipality: str = Field(max_length=6, examples=["GM0014"],
                              description="CBS code of a municipality in the registry",
                              json_schema_extra=enforced("a municipality in the registry "
                                                         "(GET /v1/municipalities)",
                                                         pattern=CBS_CODE))
    rooms: int = Field(ge=1, le=30)
    monthly_rent: float = Field(ge=0, le=10_000, allow_inf_nan=False,
                                description="bare rent (kale huur) in EUR per month")
    accessibility: Accessibility
    care_suitable: bool = False
    neighbourhood: str | None = Field(default=None, min_length=1, max_length=100)

    def dwelling(self, bag_id: str, corporation: str) -> Dwelling:
        return Dwelling(bag_id=bag_id, municipality=self.municipality,
                        corporation=corporation, rooms=self.rooms,
                        monthly_rent=self.monthly_rent, accessibility=self.accessibility,
                        care_suitable=self.care_suitable, neighbourhood=self.neighbourhood)


class DwellingOut(Out):
    bag_id: str
    municipality: str
    corporation: str
    rooms: int
    monthly_rent: float
    accessibility: Accessibility
    care_suitable: bool
    neighbourhood: str | None

    @classmethod
    def of(cls, dwelling: Dwelling) -> "DwellingOut":
        return cls(bag_id=dwelling.bag_id, municipality=dwelling.municipality,
                   corporation=dwelling.corporation, rooms=dwelling.rooms,
                   monthly_rent=dwelling.monthly_rent, accessibility=dwelling.accessibility,
                   care_suitable=dwelling.care_suitable, neighbourhood=dwelling.neighbourhood)


class DwellingPage(Out):
    items: list[DwellingOut]
    page: int
    page_size: int
    total: int


class ImportedRow(Out):
    row: int
    bag_id: str
    result: str = Field(description="created | updated | unchanged")


class ImportOut(Out):
    imported: int
    created: int
    updated: int
    unchanged: int
    rows: list[ImportedRow]


# --- vacancies ----------------------------------------------------------------------------


class VacancyIn(Strict):
    bag_id: str = Field(max_length=16, examples=["0014010011067299"],
                        json_schema_extra=enforced("one of your registered dwellings",
                                                   pattern=BAG_ID))
    available_from: date = Field(json_schema_extra=enforced(
        "from a year ago to two years ahead"))


class LettingIn(Strict):
    tenant_type: TenantType
    let_on: date = Field(alias="date", description="date of the letting",
                         json_schema_extra=enforced("within a year of today"))


class LettingOut(Out):
    tenant_type: TenantType
    let_on: date = Field(alias="date")


class VacancyOut(Out):
    id: str
    bag_id: str
    corporation: str
    municipality: str
    status: VacancyStatus
    source: VacancySource
    available_from: date
    announced_at: datetime
    withdrawn_on: date | None = None
    letting: LettingOut | None = None

    @classmethod
    def of(cls, vacancy: Vacancy) -> "VacancyOut":
        letting = (LettingOut(tenant_type=vacancy.tenant_type, let_on=vacancy.let_on)
                   if vacancy.tenant_type else None)
        return cls(id=vacancy.id, bag_id=vacancy.bag_id, corporation=vacancy.corporation,
                   municipality=vacancy.municipality, status=vacancy.status,
                   source=vacancy.source, available_from=vacancy.available_from,
                   announced_at=vacancy.announced_at, withdrawn_on=vacancy.withdrawn_on,
                   letting=letting)


class VacancyPage(Out):
    items: list[VacancyOut]
    page: int
    page_size: int
    total: int


# --- agreements ---------------------------------------------------------------------------


class KeyWeightsIn(Strict):
    population: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False)
    social_stock: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False)
    lettings: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False)


class CategoryIn(Strict):
    category: TargetGroup
    validity_days: int = Field(ge=1, le=3650)
    lapse_after_refusals: int | None = Field(
        default=None, ge=1, le=100,
        description="the urgency lapses after this many refusals without a valid reason")
    lapse_after_unanswered: int | None = Field(
        default=None, ge=1, le=100,
        description="the urgency lapses after this many unanswered proposals")


class AgreementIn(Strict):
    model_config = ConfigDict(json_schema_extra=stated(properties={"carryOver": enforced(
        "municipalities of the agreement's scope", propertyNames={"pattern": CBS_CODE})}))

    urgent_share: float = Field(ge=0, le=1, allow_inf_nan=False,
                                description="share of the period's lettings for urgent groups")
    key_weights: KeyWeightsIn = Field(description="weights of the key; they must sum to 1",
                                      json_schema_extra=enforced("the weights sum to 1"))
    cap_share: float = Field(default=0.5, ge=0, le=1, allow_inf_nan=False,
                             description="most of a municipality's lettings for priority groups")
    expected_lettings: int | None = Field(
        default=None, ge=0, le=10_000_000,
        description="the scope's lettings in the period; default: stock x turnover rate")
    categories: list[CategoryIn] = Field(min_length=1, max_length=20,
                                         description="urgency categories in priority order")
    carry_over: dict[str, Annotated[int, Field(ge=-1_000_000, le=1_000_000)]] = Field(
        default_factory=dict, description="backlog (+) or surplus (-) per CBS code")
    stapeling_threshold: float | None = Field(
        default=None, gt=0, le=100, allow_inf_nan=False,
        description="woonzorgvisie: a wijk whose pile-up index exceeds this is flagged")

    def terms(self) -> AgreementTerms:
        return AgreementTerms(
            urgent_share=self.urgent_share,
            key_weights=self.key_weights.model_dump(by_alias=True),
            categories=tuple(CategoryRule(c.category, c.validity_days, c.lapse_after_refusals,
                                          c.lapse_after_unanswered) for c in self.categories),
            cap_share=self.cap_share, expected_lettings=self.expected_lettings,
            carry_over=dict(self.carry_over), stapeling_threshold=self.stapeling_threshold,
        )


class CategoryOut(Out):
    category: TargetGroup
    validity_days: int
    lapse_after_refusals: int | None = None
    lapse_after_unanswered: int | None = None


class TargetOut(Out):
    municipality: str
    key: float
    base_target: int
    carry_over: int
    target: int
    expected_lettings: float


class AgreementOut(Out):
    scope: str
    period: str
    version: int
    period_start: date
    period_end: date
    urgent_share: float
    cap_share: float
    key_weights: dict[str, float]
    expected_lettings: int
    expected_lettings_source: str
    categories: list[CategoryOut]
    carry_over: dict[str, int]
    municipalities: list[str]
    targets: list[TargetOut]
    basis: dict = Field(description="where the inputs came from (stock, lettings), with notes")
    published_by: str
    published_at: datetime
    stapeling_threshold: float | None = None

    @classmethod
    def of(cls, agreement: Agreement) -> "AgreementOut":
        terms = agreement.terms
        return cls(
            scope=agreement.scope, period=agreement.period, version=agreement.version,
            period_start=agreement.period_start, period_end=agreement.period_end,
            urgent_share=terms.urgent_share, cap_share=terms.cap_share,
            key_weights=agreement.result["keyWeights"],
            expected_lettings=agreement.result["expectedLettings"],
            expected_lettings_source=agreement.result["expectedLettingsSource"],
            categories=[CategoryOut(category=c.category, validity_days=c.validity_days,
                                    lapse_after_refusals=c.lapse_after_refusals,
                                    lapse_after_unanswered=c.lapse_after_unanswered)
                        for c in terms.categories],
            carry_over=dict(terms.carry_over), municipalities=list(agreement.municipalities),
            targets=[TargetOut.model_validate(t) for t in agreement.targets],
            basis=agreement.basis, published_by=agreement.published_by,
            published_at=agreement.published_at,
            stapeling_threshold=terms.stapeling_threshold,
        )


class MunicipalityTargetOut(Out):
    municipality: str
    name: str
    key: float
    base_target: int
    carry_over: int
    target: int
    breakdown: dict = Field(description="how each number was computed (shares, quota, "
                                        "remainder, rank, cap)")


class TargetsOut(Out):
    scope: str
    period: str
    version: int
    scope_total: int = Field(description="ROUND_HALF_UP(urgentShare x expectedLettings); the "
                                         "base targets sum to exactly this")
    total_target: int = Field(description="sum of targets, carry-over included")
    targets: list[MunicipalityTargetOut]
    computation: dict = Field(description="the scope's totals, weights and rounding")
    basis: dict = Field(description="where the inputs came from, with notes")
