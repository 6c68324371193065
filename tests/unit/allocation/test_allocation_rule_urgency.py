"""Only a candidate with an urgency valid on the day, in a category of the agreement."""

from datetime import date

from allocation_builders import TODAY, candidate, context, urgency, vacancy

from services.allocation.domain.rules import (
    Exclusion,
    category_in_agreement,
    urgency_valid,
)
from shared.contracts.vocabulary import TargetGroup


def test_no_urgency_is_excluded():
    assert urgency_valid(candidate(urgency=None), vacancy(), context()) == Exclusion.NO_URGENCY


def test_urgency_granted_in_the_future_is_not_yet_valid():
    cand = candidate(urgency=urgency(granted_on=date(2026, 3, 3)))
    assert urgency_valid(cand, vacancy(), context()) == Exclusion.NO_URGENCY


def test_urgency_is_valid_through_its_last_day_and_then_expires():
    cand = candidate(urgency=urgency(valid_until=TODAY))
    assert urgency_valid(cand, vacancy(), context()) is None
    cand = candidate(urgency=urgency(valid_until=date(2026, 3, 1)))
    assert urgency_valid(cand, vacancy(), context()) == Exclusion.URGENCY_EXPIRED


def test_category_outside_the_agreement_gives_no_priority():
    ctx = context(categories=frozenset({TargetGroup.VROUWENOPVANG}))
    cand = candidate(urgency=urgency(category=TargetGroup.STATUSHOUDER))
    assert category_in_agreement(cand, vacancy(), ctx) == Exclusion.CATEGORY_NOT_IN_AGREEMENT
    cand = candidate(urgency=urgency(category=TargetGroup.VROUWENOPVANG))
    assert category_in_agreement(cand, vacancy(), ctx) is None
