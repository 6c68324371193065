"""Care: ambulant support needs a provider that serves the destination municipality."""

from allocation_builders import (
    GRONINGEN,
    HET_HOGELAND,
    OLDAMBT,
    WESTERKWARTIER,
    candidate,
    context,
    needs,
    vacancy,
)

from services.allocation.domain.rules import Exclusion, care_covered


def supported(provider=None):
    return candidate(needs=needs(ambulant_support=True, care_provider=provider))


def test_named_provider_must_serve_the_destination():
    assert care_covered(supported("lentis"), vacancy(municipality=WESTERKWARTIER),
                        context()) is None
    assert care_covered(supported("lentis"), vacancy(municipality=OLDAMBT), context()) == (
        Exclusion.CARE_NOT_COVERED)


def test_without_a_named_provider_any_provider_there_will_do():
    assert care_covered(supported(), vacancy(municipality=OLDAMBT), context()) is None
    assert care_covered(supported(), vacancy(municipality=HET_HOGELAND), context()) == (
        Exclusion.CARE_NOT_COVERED)


def test_unknown_municipality_is_not_covered():
    assert care_covered(supported(), vacancy(municipality="GM9999"), context()) == (
        Exclusion.CARE_NOT_COVERED)


def test_no_ambulant_support_no_requirement():
    cand = candidate(needs=needs(ambulant_support=False, care_provider="lentis"))
    assert care_covered(cand, vacancy(municipality=HET_HOGELAND), context()) is None
    assert care_covered(cand, vacancy(municipality=GRONINGEN), context()) is None
