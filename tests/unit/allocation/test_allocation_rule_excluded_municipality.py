"""Safety: a domestic-violence case may exclude municipalities; never propose there."""

from allocation_builders import GRONINGEN, OLDAMBT, candidate, context, vacancy

from services.allocation.domain.rules import Exclusion, not_excluded_municipality


def test_excluded_municipality_is_never_proposed():
    cand = candidate(excluded_municipalities=(OLDAMBT,))
    assert not_excluded_municipality(cand, vacancy(municipality=OLDAMBT), context()) == (
        Exclusion.EXCLUDED_MUNICIPALITY)


def test_other_municipalities_pass():
    cand = candidate(excluded_municipalities=(OLDAMBT,))
    assert not_excluded_municipality(cand, vacancy(municipality=GRONINGEN), context()) is None
