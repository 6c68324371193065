""""Why not this candidate for this vacancy?": every hard rule with its verdict and the values
it compared, the score components when eligible, or why the vacancy was not labelled at all.

The answer explains the vacancy's decision: it is assessed on the day of the vacancy's latest
proposal (else the day the controller decided), with the candidates tried before that proposal
as tried; a candidate in that proposal's explanation gets the rank and score it recorded, so
the answer never contradicts the proposal. Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from . import rules
from .controller import FairShareState
from .model import Candidate, Explanation, Vacancy


@dataclass(frozen=True)
class RuleCheck:
    rule: str  # the exclusion the rule gives when it fails
    passed: bool
    compared: dict[str, object]  # the values the rule compared


@dataclass(frozen=True)
class CandidateAssessment:
    vacancy_id: str
    candidate_id: str
    assessed_on: date
    labelled: bool | None  # None: the controller has not decided yet
    label_reason: str | None
    fair_share: FairShareState | None  # the municipality's figures the controller used
    checks: tuple[RuleCheck, ...]
    proposal_id: str | None = None  # the proposal whose decision this explains
    rank: int | None = None  # in that proposal's explanation
    score: float | None = None
    components: dict[str, float] | None = None

    @property
    def eligible(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> list[str]:
        return [check.rule for check in self.checks if not check.passed]


def _urgency(c: Candidate, v: Vacancy, ctx: rules.EligibilityContext) -> dict:
    u = c.urgency
    return {"grantedOn": u and u.granted_on.isoformat(),
            "validUntil": u and u.valid_until.isoformat(), "assessedOn": ctx.today.isoformat()}


def _rent_cap(c: Candidate, v: Vacancy, ctx: rules.EligibilityContext) -> dict:
    return {"incomeClass": str(c.income_class), "monthlyRent": v.monthly_rent,
            "rentCap": ctx.limits.rent_cap(c.household_size),
            "limitsYear": ctx.limits.year}


def _region(c: Candidate, v: Vacancy, ctx: rules.EligibilityContext) -> dict:
    ref = ctx.municipalities.get(v.municipality)
    return {"regionBinding": c.region_binding, "dwellingRegion": ref.region if ref else None}


def _care(c: Candidate, v: Vacancy, ctx: rules.EligibilityContext) -> dict:
    ref = ctx.municipalities.get(v.municipality)
    return {"ambulantSupport": c.needs.ambulant_support, "careProvider": c.needs.care_provider,
            "providersServingDwelling": list(ref.care_providers) if ref else []}


COMPARED: dict[str, Callable[[Candidate, Vacancy, rules.EligibilityContext], dict]] = {
    "urgency_valid": _urgency,
    "category_in_agreement": lambda c, v, ctx: {
        "category": c.urgency and str(c.urgency.category),
        "agreementCategories": None if ctx.categories is None else sorted(ctx.categories)},
    "not_parked": lambda c, v, ctx: {
        "parkedUntil": c.parked_until and c.parked_until.isoformat(),
        "assessedOn": ctx.today.isoformat()},
    "one_open_proposal": lambda c, v, ctx: {"holdsAnotherProposal":
                                            c.id in ctx.engaged_candidates},
    "not_tried_before": lambda c, v, ctx: {"proposedForThisVacancyBefore":
                                           c.id in ctx.tried_candidates},
    "available_in_time": lambda c, v, ctx: {
        "availableFrom": c.available_from and c.available_from.isoformat(),
        "dwellingAvailableFrom": v.available_from.isoformat(),
        "slackDays": ctx.availability_slack_days},
    "not_excluded_municipality": lambda c, v, ctx: {
        "dwellingMunicipality": v.municipality,
        "excludedMunicipalities": list(c.excluded_municipalities)},
    "within_region_binding": _region,
    "care_covered": _care,
    "rent_within_cap": _rent_cap,
    "income_within_daeb": lambda c, v, ctx: {
        "incomeClass": str(c.income_class), "monthlyRent": v.monthly_rent,
        "liberalisationLimit": ctx.limits.liberalisation_limit},
    "enough_rooms": lambda c, v, ctx: {
        "rooms": v.rooms, "roomsNeeded": rules.minimal_rooms(c.household_size,
                                                             c.needs.min_rooms)},
    "accessible_enough": lambda c, v, ctx: {
        "dwelling": str(v.accessibility), "needed": str(c.needs.accessibility)},
}


def check_rules(candidate: Candidate, vacancy: Vacancy, context: rules.EligibilityContext
                ) -> tuple[RuleCheck, ...]:
    """Every rule of `rules.RULES`, in its order, with its verdict and compared values."""
    checks = []
    for rule in rules.RULES:
        failed = rule(candidate, vacancy, context)
        name = failed or _EXCLUSIONS[rule.__name__]
        checks.append(RuleCheck(str(name), failed is None,
                                COMPARED[rule.__name__](candidate, vacancy, context)))
    return tuple(checks)


def recorded_rank(explanation: Explanation, candidate_id: str
                  ) -> tuple[int, float, dict[str, float]] | None:
    for index, ranked in enumerate(explanation.ranked, start=1):
        if ranked.candidate_id == candidate_id:
            return index, ranked.score, dict(ranked.components)
    return None


# The exclusion each rule gives, for naming a rule that passed.
_EXCLUSIONS = {
    "urgency_valid": rules.Exclusion.NO_URGENCY,
    "category_in_agreement": rules.Exclusion.CATEGORY_NOT_IN_AGREEMENT,
    "not_parked": rules.Exclusion.PARKED,
    "one_open_proposal": rules.Exclusion.HAS_OPEN_PROPOSAL,
    "not_tried_before": rules.Exclusion.ALREADY_PROPOSED,
    "available_in_time": rules.Exclusion.NOT_YET_AVAILABLE,
    "not_excluded_municipality": rules.Exclusion.EXCLUDED_MUNICIPALITY,
    "within_region_binding": rules.Exclusion.OUTSIDE_REGION,
    "care_covered": rules.Exclusion.CARE_NOT_COVERED,
    "rent_within_cap": rules.Exclusion.RENT_ABOVE_CAP,
    "income_within_daeb": rules.Exclusion.INCOME_ABOVE_DAEB,
    "enough_rooms": rules.Exclusion.TOO_FEW_ROOMS,
    "accessible_enough": rules.Exclusion.ACCESSIBILITY,
}

