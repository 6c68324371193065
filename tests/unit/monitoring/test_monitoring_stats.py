"""Percentiles: type 7 (linear interpolation), checked against the standard library."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.monitoring.domain import median, percentile


def test_known_values():
    assert percentile([], 50) is None and median([]) is None
    assert percentile([7], 90) == 7.0
    assert median([3, 1, 2]) == 2.0
    assert median([4, 1, 3, 2]) == 2.5
    assert percentile([10, 40, 50, 59, 151], 90) == pytest.approx(114.2)
    assert percentile(range(1, 11), 90) == pytest.approx(9.1)
    assert percentile([1, 2, 3], 0) == 1 and percentile([1, 2, 3], 100) == 3
    with pytest.raises(ValueError):
        percentile([1], 101)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2_000), min_size=2, max_size=60), st.integers(1, 99))
def test_matches_statistics_quantiles_inclusive(values, q):
    expected = statistics.quantiles(values, n=100, method="inclusive")[q - 1]
    assert percentile(values, q) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2_000), min_size=1, max_size=60))
def test_median_matches_statistics_median(values):
    assert median(values) == pytest.approx(statistics.median(values))
    assert min(values) <= percentile(values, 90) <= max(values)
    assert median(values) <= percentile(values, 90)
