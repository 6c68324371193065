import pytest

from services.intake.domain.income import IncomeLimits, load_income_limits
from shared.contracts.vocabulary import IncomeClass

LIMITS = load_income_limits()


@pytest.mark.parametrize("income, size, expected", [
    (0, 1, IncomeClass.PASSEND),
    (28_375, 1, IncomeClass.PASSEND),
    (28_375.01, 1, IncomeClass.DAEB),
    (49_669, 1, IncomeClass.DAEB),
    (49_669.01, 1, IncomeClass.ABOVE_DAEB),
    (38_500, 2, IncomeClass.PASSEND),
    (38_501, 2, IncomeClass.DAEB),
    (38_501, 5, IncomeClass.DAEB),
    (54_847, 4, IncomeClass.DAEB),
    (54_848, 4, IncomeClass.ABOVE_DAEB),
])
def test_2025_limits_from_the_data_file(income, size, expected):
    assert LIMITS.classify(income, size, 2025) is expected


def test_a_year_without_figures_uses_the_latest_earlier_year():
    assert LIMITS.for_year(2030) == LIMITS.for_year(2026)
    with pytest.raises(LookupError):
        LIMITS.for_year(2019)


def test_the_year_decides_the_class_of_a_borderline_income():
    # EUR 28,000 for one person: above the 2024 passend limit (27,725), within 2025's (28,375)
    assert LIMITS.classify(28_000, 1, 2024) is IncomeClass.DAEB
    assert LIMITS.classify(28_000, 1, 2025) is IncomeClass.PASSEND


def test_a_new_year_is_data_not_code():
    limits = IncomeLimits.from_document({"years": {
        "2025": {"passend": {"onePerson": 28375, "twoOrMore": 38500},
                 "daeb": {"onePerson": 49669, "twoOrMore": 54847}},
        "2026": {"passend": {"onePerson": 30000, "twoOrMore": 40000},
                 "daeb": {"onePerson": 50000, "twoOrMore": 56000}},
    }})
    assert limits.classify(29_000, 1, 2025) is IncomeClass.DAEB
    assert limits.classify(29_000, 1, 2026) is IncomeClass.PASSEND


def test_inconsistent_limits_are_refused():
    with pytest.raises(ValueError):
        IncomeLimits.from_document({"years": {"2025": {
            "passend": {"onePerson": 60000, "twoOrMore": 38500},
            "daeb": {"onePerson": 49669, "twoOrMore": 54847}}}})
