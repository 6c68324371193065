"""Fair-share agreements: terms, scope, the inputs the registry derives, and versions.

The arithmetic lives in `fairshare.compute_targets`; this module decides which
municipalities an agreement covers and where its inputs come from:

- scope `province` covers the municipalities of the province; a region id the
  municipalities whose region it is (as the registry holds them now: the admin may move one);
- social stock per municipality = the dwellings the corporations registered. When the
  registry holds no stock at all in the scope, stock is estimated from population times a
  configured number of social dwellings per inhabitant, and the basis says so;
- lettings per municipality = lettings reported in the previous period (for the key's
  `lettings` weight);
- expected lettings: given, or stock x turnover rate x period length.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from services.registry.domain.errors import InvalidInput
from services.registry.domain.fairshare import (
    DEFAULT_CAP_SHARE,
    FairShareError,
    FairShareResult,
    FieldError,
    MunicipalityInput,
    compute_targets,
    period_years,
)
from services.registry.domain.municipalities import MunicipalityRecord
from services.registry.domain.reference import ReferenceData
from shared.contracts.periods import Period
from shared.contracts.vocabulary import PROVINCE_SCOPE, TargetGroup

STOCK_FROM_DWELLINGS = "registered-dwellings"
STOCK_ESTIMATED = "estimated-from-population"


@dataclass(frozen=True)
class CategoryRule:
    category: TargetGroup
    validity_days: int
    lapse_after_refusals: int | None = None  # refusals without a valid reason that end it
    lapse_after_unanswered: int | None = None  # unanswered proposals that end it


@dataclass(frozen=True)
class AgreementTerms:
    urgent_share: float
    key_weights: Mapping[str, float]  # population, socialStock, lettings
    categories: tuple[CategoryRule, ...]
    cap_share: float = DEFAULT_CAP_SHARE
    expected_lettings: int | None = None
    carry_over: Mapping[str, int] = field(default_factory=dict)
    stapeling_threshold: float | None = None  # woonzorgvisie: a wijk's pile-up index limit


@dataclass(frozen=True)
class Inputs:
    """What the registry knows of the scope's municipalities when an agreement is set."""

    members: tuple[MunicipalityRecord, ...]
    registered_stock: Mapping[str, int]
    previous_lettings: Mapping[str, int]
    previous_period: str


@dataclass(frozen=True)
class Agreement:
    scope: str
    period: str
    version: int
    period_start: date
    period_end: date
    terms: AgreementTerms
    municipalities: tuple[str, ...]
    result: dict  # FairShareResult.to_dict(): totals and the breakdown per municipality
    targets: tuple[dict, ...]  # FairShareResult.municipality_targets()
    basis: dict  # where the inputs came from, with notes a person can read
    published_by: str
    published_at: datetime


def parse_period(label: str) -> Period:
    try:
        return Period.parse(label)
    except ValueError as exc:
        raise InvalidInput.of("period", str(exc)) from None


def scope_members(scope: str, records: Sequence[MunicipalityRecord],
                  reference: ReferenceData) -> tuple[MunicipalityRecord, ...]:
    """The municipalities an agreement for `scope` covers (`province` or a region id)."""
    if scope == PROVINCE_SCOPE:
        province = reference.province(PROVINCE_SCOPE).id
        members = [r for r in records if r.province == province]
    elif scope in {r.id for r in reference.regions}:
        members = [r for r in records if r.region == scope]
    else:
        regions = ", ".join(sorted(r.id for r in reference.regions))
        raise InvalidInput.of("scope", f"unknown scope {scope!r}; use {PROVINCE_SCOPE!r} or a "
                                       f"region id ({regions})")
    if not members:
        raise InvalidInput.of("scope", f"scope {scope!r} holds no municipality")
    return tuple(sorted(members, key=lambda r: r.code))


def category_errors(categories: Sequence[CategoryRule]) -> list[FieldError]:
    errors, seen = [], set()
    if not categories:
        errors.append(FieldError("categories", "name at least one urgency category"))
    for index, rule in enumerate(categories):
        if rule.category in seen:
            errors.append(FieldError(f"categories[{index}].category",
                                     f"{rule.category} appears twice"))
        seen.add(rule.category)
        if rule.validity_days < 1:
            errors.append(FieldError(f"categories[{index}].validityDays", "must be at least 1"))
    return errors


def social_stock(inputs: Inputs, per_inhabitant: float) -> tuple[dict[str, int], str]:
    stock = {m.code: int(inputs.registered_stock.get(m.code, 0)) for m in inputs.members}
    if sum(stock.values()) > 0:
        return stock, STOCK_FROM_DWELLINGS
    return {m.code: round(m.population * per_inhabitant) for m in inputs.members}, STOCK_ESTIMATED


def compute(terms: AgreementTerms, period: Period, inputs: Inputs, *, turnover_rate: float,
            stock_per_inhabitant: float) -> tuple[FairShareResult, dict]:
    """The targets and the basis (sources and notes) of an agreement; InvalidInput on bad
    terms, naming every bad field."""
    errors = category_errors(terms.categories)
    stock, stock_source = social_stock(inputs, stock_per_inhabitant)
    municipalities = [
        MunicipalityInput(m.code, m.population, stock[m.code],
                          inputs.previous_lettings.get(m.code, 0))
        for m in inputs.members
    ]
    try:
        result = compute_targets(
            municipalities, terms.key_weights, terms.urgent_share,
            expected_lettings=terms.expected_lettings, turnover_rate=turnover_rate,
            period_length_years=period_years(period.label), carry_over=terms.carry_over,
            cap_share=terms.cap_share,
        )
    except FairShareError as exc:
        raise InvalidInput(errors + list(exc.errors)) from None
    if errors:
        raise InvalidInput(errors)
    return result, _basis(terms, result, stock_source, inputs, turnover_rate,
                          stock_per_inhabitant)


def _basis(terms: AgreementTerms, result: FairShareResult, stock_source: str, inputs: Inputs,
           turnover_rate: float, per_inhabitant: float) -> dict:
    notes = []
    if stock_source == STOCK_ESTIMATED:
        notes.append(
            "The registry holds no dwellings in this scope yet: social stock is estimated as "
            f"population x {per_inhabitant} social dwellings per inhabitant.")
    if terms.expected_lettings is None:
        notes.append(
            f"Expected lettings derived: social stock {result.total_social_stock} x turnover "
            f"rate {turnover_rate} per year x {result.period_years} year(s), rounded half up.")
    else:
        notes.append("Expected lettings as given in the agreement.")
    notes.append(f"Lettings per municipality: lettings reported for {inputs.previous_period}.")
    return {
        "socialStockSource": stock_source,
        "socialStockPerInhabitant": per_inhabitant if stock_source == STOCK_ESTIMATED else None,
        "turnoverRate": turnover_rate,
        "lettingsPeriod": inputs.previous_period,
        "notes": notes,
    }
