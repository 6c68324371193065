"""Passend toewijzen: the rent cap follows household size, and the limits are data."""

from dataclasses import replace

import pytest
from allocation_builders import candidate, context, vacancy

from services.allocation.domain.limits import INCOME_LIMITS_2025, IncomeLimits
from services.allocation.domain.rules import Exclusion, rent_within_cap
from shared.contracts.vocabulary import IncomeClass


@pytest.mark.parametrize(
    "household, rent, expected",
    [
        (1, 682.96, None),  # exactly at the cap passes
        (1, 682.97, Exclusion.RENT_ABOVE_CAP),
        (2, 700.00, Exclusion.RENT_ABOVE_CAP),
        (3, 700.00, None),  # 3+ has the higher cap
        (3, 731.93, None),
        (4, 731.94, Exclusion.RENT_ABOVE_CAP),
    ],
)
def test_passend_income_is_capped_by_household_size(household, rent, expected):
    result = rent_within_cap(candidate(household_size=household), vacancy(monthly_rent=rent),
                             context())
    assert result == expected


@pytest.mark.parametrize("income", [IncomeClass.DAEB, IncomeClass.ABOVE_DAEB])
def test_cap_does_not_apply_above_the_passend_limit(income):
    assert rent_within_cap(candidate(income_class=income), vacancy(monthly_rent=850.0),
                           context()) is None


def test_limits_come_from_the_context_not_from_code():
    limits_2026 = replace(INCOME_LIMITS_2025, year=2026, rent_cap_small=700.0)
    cand, vac = candidate(household_size=1), vacancy(monthly_rent=690.0)
    assert rent_within_cap(cand, vac, context()) == Exclusion.RENT_ABOVE_CAP
    assert rent_within_cap(cand, vac, context(income_limits=limits_2026)) is None


def test_limits_load_from_a_mapping_and_refuse_unknown_keys():
    data = {k: v for k, v in vars(INCOME_LIMITS_2025).items()}
    assert IncomeLimits.from_mapping(data) == INCOME_LIMITS_2025
    with pytest.raises(ValueError, match="rent_cap_smal"):
        IncomeLimits.from_mapping(data | {"rent_cap_smal": 1.0})


@pytest.mark.parametrize(
    "income, size, expected",
    [(28_375, 1, IncomeClass.PASSEND), (28_376, 1, IncomeClass.DAEB),
     (38_500, 2, IncomeClass.PASSEND), (49_669, 1, IncomeClass.DAEB),
     (49_670, 1, IncomeClass.ABOVE_DAEB), (54_847, 3, IncomeClass.DAEB)],
)
def test_income_class_from_the_2025_limits(income, size, expected):
    assert INCOME_LIMITS_2025.income_class(income, size) == expected
