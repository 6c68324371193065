"""Allocator inputs as data, so property tests can record, replay and redeliver them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from allocation_builders import MUNICIPALITIES, agreement, candidate, urgency, vacancy
from hypothesis import strategies as st

from services.allocation.domain import AllocationError, Allocator, Letting, Needs
from shared.contracts.vocabulary import (
    Accessibility,
    DecidedBy,
    IncomeClass,
    TargetGroup,
    TenantType,
)

CANDIDATE_IDS = [f"c-{i}" for i in range(6)]
VACANCY_IDS = [f"v-{i}" for i in range(10)]
CODES = sorted(MUNICIPALITIES)
REGIONS = sorted({ref.region for ref in MUNICIPALITIES.values()})
START = date(2026, 1, 5)
REASONS = ["no-show", "dwelling-not-suitable", "refused-without-valid-reason", "te ver weg"]


@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[Any, ...]


def fresh_allocator() -> Allocator:
    alloc = Allocator("province")
    for ref in MUNICIPALITIES.values():
        alloc.upsert_municipality(ref)
    alloc.upsert_agreement(agreement())
    return alloc


def apply(alloc: Allocator, command: Command) -> list | str:
    """The events, or the name of the refusal."""
    try:
        return getattr(alloc, command.name)(*command.args)
    except AllocationError as refusal:
        return type(refusal).__name__


def proposal_ids(alloc: Allocator) -> list[str]:
    return sorted(p.id for p in alloc.proposals())


# --- strategies ---------------------------------------------------------------------------

# Biased towards candidates who fit: uniformly random profiles almost never match a dwelling,
# and then the machine would never reach proposals, declines and placements.
needs_st = st.builds(
    Needs,
    accessibility=st.sampled_from([Accessibility.GEEN] * 4 + list(Accessibility)),
    min_rooms=st.sampled_from([None, None, None, None, 3]),
    ambulant_support=st.sampled_from([False, False, True]),
    care_provider=st.sampled_from([None, None, "lentis", "cosis"]),
)

urgency_st = st.builds(
    lambda category, offset, days: urgency(category, START + timedelta(days=offset),
                                           START + timedelta(days=offset + days)),
    st.sampled_from([TargetGroup.VROUWENOPVANG, TargetGroup.BESCHERMD_WONEN,
                     TargetGroup.MAATSCHAPPELIJKE_OPVANG, TargetGroup.STATUSHOUDER]),
    st.integers(-60, 5),
    st.integers(40, 200),
)

any_candidate_st = st.builds(
    lambda cid, size, income, need, excluded, region, preferred, origin, urg: candidate(
        cid, household_size=size, income_class=income, needs=need,
        excluded_municipalities=tuple(excluded), region_binding=region,
        preferred_municipalities=tuple(preferred), registration_municipality=origin,
        urgency=urg),
    st.sampled_from(CANDIDATE_IDS),
    st.sampled_from([1, 1, 2, 3, 4]),
    st.sampled_from([IncomeClass.PASSEND, IncomeClass.PASSEND, IncomeClass.DAEB,
                     IncomeClass.ABOVE_DAEB]),
    needs_st,
    st.sampled_from([(), (), (), *((code,) for code in CODES)]),
    st.sampled_from([None, None, None, None, *REGIONS]),
    st.lists(st.sampled_from(CODES), max_size=2, unique=True),
    st.sampled_from(CODES),
    st.tuples(st.sampled_from([True, True, True, False]), urgency_st).map(
        lambda pair: pair[1] if pair[0] else None),
)

# A candidate who fits most dwellings: what makes proposals, declines and placements happen.
fitting_candidate_st = st.builds(
    lambda cid, size, origin, offset, category: candidate(
        cid, household_size=size, registration_municipality=origin,
        urgency=urgency(category, START + timedelta(days=offset), date(2026, 12, 31))),
    st.sampled_from(CANDIDATE_IDS),
    st.sampled_from([1, 2]),
    st.sampled_from(CODES),
    st.integers(-90, 0),
    st.sampled_from([TargetGroup.VROUWENOPVANG, TargetGroup.BESCHERMD_WONEN,
                     TargetGroup.MAATSCHAPPELIJKE_OPVANG]),
)

candidate_st = st.one_of(fitting_candidate_st, any_candidate_st)

vacancy_st = st.builds(
    lambda vid, code, rooms, rent, access, offset: vacancy(
        vid, municipality=code, rooms=rooms, monthly_rent=rent, accessibility=access,
        bag_id=f"{code[2:]}0100000000{VACANCY_IDS.index(vid):02d}",
        available_from=START + timedelta(days=offset)),
    st.sampled_from(VACANCY_IDS),
    st.sampled_from(CODES),
    st.sampled_from([2, 3, 3, 4, 1, 5]),
    st.sampled_from([540.0, 640.0, 682.0, 720.0, 760.0, 950.0]),
    st.sampled_from([Accessibility.GEEN, Accessibility.NULTREDEN, Accessibility.ROLSTOEL,
                     Accessibility.ROLSTOEL]),
    st.integers(0, 90),
)


def letting(vid: str, code: str, tenant: TenantType, on: date) -> Letting:
    return Letting(vid, f"{code[2:]}010000000099", code, "lefier", tenant, on)


decision_st = st.sampled_from(["accepted", "declined"])
party_st = st.sampled_from(list(DecidedBy))
reason_st = st.sampled_from(REASONS)
