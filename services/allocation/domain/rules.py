"""Hard constraints: a proposal never breaks one of these.

Every rule has the same shape, `rule(candidate, vacancy, context) -> str | None`: None when the
candidate passes, otherwise the name of the exclusion. The names end up in the proposal's
explanation, so "why not this client?" is answered by them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from shared.vocabulary import Accessibility, IncomeClass, TargetGroup

from .limits import INCOME_LIMITS_2025, IncomeLimits
from .model import Candidate, MunicipalityRef, Vacancy


class Exclusion(StrEnum):
    NO_URGENCY = "no-urgency"
    URGENCY_EXPIRED = "urgency-expired"
    CATEGORY_NOT_IN_AGREEMENT = "category-not-in-agreement"
    PARKED = "parked"
    HAS_OPEN_PROPOSAL = "has-open-proposal"
    ALREADY_PROPOSED = "already-proposed-for-vacancy"
    NOT_YET_AVAILABLE = "not-yet-available"
    EXCLUDED_MUNICIPALITY = "excluded-municipality"
    OUTSIDE_REGION = "outside-region-binding"
    CARE_NOT_COVERED = "care-not-covered"
    RENT_ABOVE_CAP = "rent-above-cap"
    INCOME_ABOVE_DAEB = "income-above-daeb"
    TOO_FEW_ROOMS = "too-few-rooms"
    ACCESSIBILITY = "accessibility-insufficient"


@dataclass(frozen=True)
class EligibilityContext:
    """What the rules need besides the candidate and the vacancy."""

    today: date
    municipalities: Mapping[str, MunicipalityRef]
    income_limits: IncomeLimits = INCOME_LIMITS_2025
    categories: Set[TargetGroup] | None = None  # the agreement's categories; None: any
    engaged_candidates: Set[str] = frozenset()  # holding an open or accepted proposal
    tried_candidates: Set[str] = frozenset()  # proposed for this vacancy before
    availability_slack_days: int = 0


Rule = Callable[[Candidate, Vacancy, EligibilityContext], "str | None"]


# --- urgency and the candidate's own state ------------------------------------------------


def urgency_valid(candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext) -> str | None:
    urgency = candidate.urgency
    if urgency is None or urgency.granted_on > ctx.today:
        return Exclusion.NO_URGENCY
    if ctx.today > urgency.valid_until:
        return Exclusion.URGENCY_EXPIRED
    return None


def category_in_agreement(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    # Priority exists only for the groups the verordening names; an urgency under another
    # category gives no claim under this agreement.
    if ctx.categories is None or candidate.urgency is None:
        return None
    if candidate.urgency.category in ctx.categories:
        return None
    return Exclusion.CATEGORY_NOT_IN_AGREEMENT


def not_parked(candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext) -> str | None:
    return Exclusion.PARKED if candidate.is_parked_on(ctx.today) else None


def one_open_proposal(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    # An accepted proposal awaiting move-in still binds the candidate, so it counts as open.
    return Exclusion.HAS_OPEN_PROPOSAL if candidate.id in ctx.engaged_candidates else None


def not_tried_before(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    # After a decline or expiry the vacancy moves on; offering it again to the same candidate
    # would loop.
    return Exclusion.ALREADY_PROPOSED if candidate.id in ctx.tried_candidates else None


def available_in_time(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    """The candidate can move in when the dwelling can be let (or today, if that is later)."""
    if candidate.available_from is None:
        return None
    move_in = max(vacancy.available_from, ctx.today)
    latest = move_in + timedelta(days=ctx.availability_slack_days)
    return Exclusion.NOT_YET_AVAILABLE if candidate.available_from > latest else None


# --- where the dwelling lies --------------------------------------------------------------


def not_excluded_municipality(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    if vacancy.municipality in candidate.excluded_municipalities:
        return Exclusion.EXCLUDED_MUNICIPALITY
    return None


def within_region_binding(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    if candidate.region_binding is None:
        return None
    ref = ctx.municipalities.get(vacancy.municipality)
    # An unknown municipality cannot be shown to lie in the region, so it does not.
    if ref is not None and ref.region == candidate.region_binding:
        return None
    return Exclusion.OUTSIDE_REGION


def care_covered(candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext) -> str | None:
    needs = candidate.needs
    if not needs.ambulant_support:
        return None
    ref = ctx.municipalities.get(vacancy.municipality)
    providers = ref.care_providers if ref is not None else ()
    if needs.care_provider is None:
        return None if providers else Exclusion.CARE_NOT_COVERED
    return None if needs.care_provider in providers else Exclusion.CARE_NOT_COVERED


# --- the dwelling itself ------------------------------------------------------------------


def rent_within_cap(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    """Passend toewijzen: a household with a passend income gets a rent up to the cap."""
    if candidate.income_class is not IncomeClass.PASSEND:
        return None
    cap = ctx.income_limits.rent_cap(candidate.household_size)
    return Exclusion.RENT_ABOVE_CAP if vacancy.monthly_rent > cap else None


def income_within_daeb(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    """A social (DAEB) dwelling is for incomes within the DAEB limit."""
    if candidate.income_class is not IncomeClass.ABOVE_DAEB:
        return None
    social = vacancy.monthly_rent <= ctx.income_limits.liberalisation_limit
    return Exclusion.INCOME_ABOVE_DAEB if social else None


def minimal_rooms(household_size: int, min_rooms: int | None = None) -> int:
    """A living room plus one bedroom per person or couple.

    Intake does not say who forms a couple, so a household of two or more is read as one
    couple plus one bedroom for each further member; a need assessed by intake (`min_rooms`)
    can only raise this.
    """
    bedrooms = 1 if household_size <= 1 else household_size - 1
    return max(1 + bedrooms, min_rooms or 0)


def enough_rooms(candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext) -> str | None:
    needed = minimal_rooms(candidate.household_size, candidate.needs.min_rooms)
    return Exclusion.TOO_FEW_ROOMS if vacancy.rooms < needed else None


# Accessibility's own order (geen < nultreden < rollator < rolstoel), looked up once: this
# rule runs for every candidate on every labelled vacancy.
_ACCESS_RANK = {level: level.rank for level in Accessibility}


def accessible_enough(
    candidate: Candidate, vacancy: Vacancy, ctx: EligibilityContext
) -> str | None:
    if _ACCESS_RANK[vacancy.accessibility] >= _ACCESS_RANK[candidate.needs.accessibility]:
        return None
    return Exclusion.ACCESSIBILITY


RULES: tuple[Rule, ...] = (
    urgency_valid,
    category_in_agreement,
    not_parked,
    one_open_proposal,
    not_tried_before,
    available_in_time,
    not_excluded_municipality,
    within_region_binding,
    care_covered,
    rent_within_cap,
    income_within_daeb,
    enough_rooms,
    accessible_enough,
)


def eligibility(candidate: Candidate, vacancy: Vacancy, context: EligibilityContext) -> list[str]:
    """Every rule the candidate fails for this vacancy; empty means eligible."""
    return [reason for rule in RULES if (reason := rule(candidate, vacancy, context)) is not None]


def is_eligible(candidate: Candidate, vacancy: Vacancy, context: EligibilityContext) -> bool:
    return all(rule(candidate, vacancy, context) is None for rule in RULES)
