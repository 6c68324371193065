"""How a dwelling of the stock feed counts as a housing type, and where it lies (pure)."""

import pytest

from services.monitoring.domain.woonzorgvisie import housing_type, wijk_of


@pytest.mark.parametrize("accessibility, care, expected", [
    ("geen", False, "zelfstandig"),
    ("nultreden", False, "nultreden"),
    ("rollator", False, "nultreden"),
    ("rolstoel", False, "nultreden"),
    ("geen", True, "geclusterd"),
    ("rollator", True, "geclusterd"),
    ("rolstoel", True, "beschermd"),
])
def test_each_dwelling_counts_as_the_most_demanding_type_it_meets(accessibility, care,
                                                                  expected):
    assert housing_type(accessibility, care) == expected


@pytest.mark.parametrize("neighbourhood, wijk", [
    ("WK001401", "WK001401"), ("BU00140102", "WK001401"), ("Selwerd", None), (None, None),
    ("WK0014", None),
])
def test_the_wijk_comes_from_a_cbs_wijk_or_buurt_code(neighbourhood, wijk):
    assert wijk_of(neighbourhood) == wijk
