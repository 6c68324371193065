"""A parked candidate is not proposed on or before the last parked day."""

from datetime import date

from allocation_builders import TODAY, candidate, context, vacancy

from services.allocation.domain.rules import Exclusion, not_parked


def test_parked_through_today_is_excluded():
    assert not_parked(candidate(parked_until=TODAY), vacancy(), context()) == Exclusion.PARKED


def test_parking_ends_after_its_last_day():
    assert not_parked(candidate(parked_until=date(2026, 3, 1)), vacancy(), context()) is None


def test_never_parked_passes():
    assert not_parked(candidate(parked_until=None), vacancy(), context()) is None
