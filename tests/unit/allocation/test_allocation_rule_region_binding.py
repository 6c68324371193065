"""Regional binding: a bound candidate only gets dwellings in municipalities of the region."""

from dataclasses import replace

from allocation_builders import (
    GRONINGEN_ASSEN,
    MUNICIPALITIES,
    OLDAMBT,
    WESTERKWARTIER,
    candidate,
    context,
    vacancy,
)

from services.allocation.domain.model import MunicipalityRef
from services.allocation.domain.rules import Exclusion, within_region_binding


def test_inside_the_region_passes():
    cand = candidate(region_binding=GRONINGEN_ASSEN)
    assert within_region_binding(cand, vacancy(municipality=WESTERKWARTIER), context()) is None


def test_outside_the_region_is_excluded():
    cand = candidate(region_binding=GRONINGEN_ASSEN)
    assert within_region_binding(cand, vacancy(municipality=OLDAMBT), context()) == (
        Exclusion.OUTSIDE_REGION)


def test_unknown_municipality_cannot_be_shown_inside():
    cand = candidate(region_binding=GRONINGEN_ASSEN)
    assert within_region_binding(cand, vacancy(municipality="GM9999"), context()) == (
        Exclusion.OUTSIDE_REGION)


def test_region_may_cross_the_province_border():
    assen = MunicipalityRef("GM0106", GRONINGEN_ASSEN, "Drenthe", 69_000)
    munis = dict(MUNICIPALITIES) | {"GM0106": assen}
    cand = candidate(region_binding=GRONINGEN_ASSEN)
    ctx = replace(context(), municipalities=munis)
    assert within_region_binding(cand, vacancy(municipality="GM0106"), ctx) is None


def test_unbound_candidate_goes_anywhere():
    assert within_region_binding(candidate(), vacancy(municipality=OLDAMBT), context()) is None
