"""The candidate can move in when the dwelling is available (or today, if that is later)."""

from datetime import date

from allocation_builders import candidate, context, vacancy

from services.allocation.domain.rules import Exclusion, available_in_time


def test_candidate_available_after_the_dwelling_is_excluded():
    cand = candidate(available_from=date(2026, 4, 1))
    assert available_in_time(cand, vacancy(available_from=date(2026, 3, 15)), context()) == (
        Exclusion.NOT_YET_AVAILABLE)


def test_slack_lets_a_dwelling_wait_a_little():
    cand = candidate(available_from=date(2026, 3, 20))
    vac = vacancy(available_from=date(2026, 3, 15))
    assert available_in_time(cand, vac, context()) == Exclusion.NOT_YET_AVAILABLE
    assert available_in_time(cand, vac, context(availability_slack_days=5)) is None


def test_dwelling_available_in_the_past_counts_from_today():
    cand = candidate(available_from=date(2026, 3, 2))  # context today is 2026-03-02
    assert available_in_time(cand, vacancy(available_from=date(2026, 1, 1)), context()) is None


def test_no_date_means_available_now():
    assert available_in_time(candidate(available_from=None), vacancy(), context()) is None
