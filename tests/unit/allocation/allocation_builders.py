"""Builders for the allocation domain's tests: realistic Groningen values, short call sites."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from services.allocation.domain import (
    Agreement,
    Allocator,
    Candidate,
    CategoryRule,
    MunicipalityRef,
    MunicipalityTarget,
    Needs,
    Urgency,
    Vacancy,
)
from services.allocation.domain.rules import EligibilityContext
from shared.contracts.periods import Period
from shared.contracts.vocabulary import Accessibility, IncomeClass, TargetGroup

GRONINGEN = "GM0014"
WESTERKWARTIER = "GM1969"
HET_HOGELAND = "GM1966"
OLDAMBT = "GM1895"
PEKELA = "GM0765"
GRONINGEN_ASSEN = "Groningen-Assen"
OOST_GRONINGEN = "Oost-Groningen"

TODAY = date(2026, 3, 2)

MUNICIPALITIES = {
    GRONINGEN: MunicipalityRef(GRONINGEN, GRONINGEN_ASSEN, "Groningen", 244_441,
                               ("lentis", "leger-des-heils"), "Groningen"),
    WESTERKWARTIER: MunicipalityRef(WESTERKWARTIER, GRONINGEN_ASSEN, "Groningen", 64_841,
                                    ("lentis",), "Westerkwartier"),
    HET_HOGELAND: MunicipalityRef(HET_HOGELAND, GRONINGEN_ASSEN, "Groningen", 48_178, (),
                                  "Het Hogeland"),
    OLDAMBT: MunicipalityRef(OLDAMBT, OOST_GRONINGEN, "Groningen", 39_586, ("cosis",),
                             "Oldambt"),
    PEKELA: MunicipalityRef(PEKELA, OOST_GRONINGEN, "Groningen", 12_459, ("cosis",), "Pekela"),
}

CATEGORIES = (
    CategoryRule(TargetGroup.VROUWENOPVANG, 90),
    CategoryRule(TargetGroup.MANTELZORG, 90),
    CategoryRule(TargetGroup.BESCHERMD_WONEN, 90),
    CategoryRule(TargetGroup.MAATSCHAPPELIJKE_OPVANG, 90),
    CategoryRule(TargetGroup.MEDISCH, 90),
)


def target(municipality: str, target_: int, expected: float) -> MunicipalityTarget:
    return MunicipalityTarget(municipality, target_, expected)


def agreement(
    targets: tuple[MunicipalityTarget, ...] | None = None,
    *,
    period: str = "2026",
    cap_share: float = 0.5,
    urgent_share: float = 0.27,
    version: int = 1,
    scope: str = "province",
    categories: tuple[CategoryRule, ...] = CATEGORIES,
) -> Agreement:
    if targets is None:
        targets = (target(GRONINGEN, 50, 100), target(WESTERKWARTIER, 10, 40),
                   target(HET_HOGELAND, 8, 30), target(OLDAMBT, 6, 30), target(PEKELA, 2, 10))
    return Agreement(scope, Period.parse(period), urgent_share, cap_share, categories, targets,
                     version)


def urgency(
    category: TargetGroup = TargetGroup.BESCHERMD_WONEN,
    granted_on: date = date(2026, 1, 5),
    valid_until: date = date(2026, 12, 31),
) -> Urgency:
    return Urgency(category, granted_on, valid_until, GRONINGEN)


def candidate(id_: str = "cand-1", **changes) -> Candidate:
    base = Candidate(
        id=id_,
        household_size=1,
        income_class=IncomeClass.PASSEND,
        target_group=TargetGroup.BESCHERMD_WONEN,
        registration_municipality=GRONINGEN,
        registered_by="lentis",
        needs=Needs(),
        urgency=urgency(),
    )
    return replace(base, **changes)


def needs(**changes) -> Needs:
    return replace(Needs(), **changes)


def vacancy(id_: str = "vac-1", **changes) -> Vacancy:
    base = Vacancy(
        id=id_,
        bag_id="0014010011067299",
        municipality=GRONINGEN,
        corporation="lefier",
        rooms=2,
        monthly_rent=620.00,
        accessibility=Accessibility.GEEN,
        available_from=date(2026, 3, 15),
    )
    return replace(base, **changes)


def context(**changes) -> EligibilityContext:
    base = EligibilityContext(today=TODAY, municipalities=MUNICIPALITIES)
    return replace(base, **changes)


def allocator(*candidates: Candidate, agreement_: Agreement | None = None, **policy) -> Allocator:
    from services.allocation.domain import AllocationPolicy

    alloc = Allocator("province", AllocationPolicy(**policy))
    for ref in MUNICIPALITIES.values():
        alloc.upsert_municipality(ref)
    alloc.upsert_agreement(agreement_ or agreement())
    for cand in candidates:
        alloc.upsert_candidate(cand)
    return alloc
