"""A social (DAEB) dwelling is for incomes within the DAEB limit."""

from allocation_builders import candidate, context, vacancy

from services.allocation.domain.rules import Exclusion, income_within_daeb
from shared.contracts.vocabulary import IncomeClass


def test_income_above_daeb_is_excluded_from_a_social_dwelling():
    cand = candidate(income_class=IncomeClass.ABOVE_DAEB)
    assert income_within_daeb(cand, vacancy(monthly_rent=880.0), context()) == (
        Exclusion.INCOME_ABOVE_DAEB)


def test_income_above_daeb_may_take_a_dwelling_above_the_liberalisation_limit():
    cand = candidate(income_class=IncomeClass.ABOVE_DAEB)
    assert income_within_daeb(cand, vacancy(monthly_rent=950.0), context()) is None


def test_daeb_income_passes():
    cand = candidate(income_class=IncomeClass.DAEB)
    assert income_within_daeb(cand, vacancy(monthly_rent=880.0), context()) is None
