import pytest

from services.intake.domain.age import age_band, birth_year_problem
from services.intake.domain.pseudonym import fingerprint_of, pseudonym_of
from shared.contracts.vocabulary import AgeBand


@pytest.mark.parametrize("birth_year, band", [
    (2008, AgeBand.UNDER_23), (2004, AgeBand.UNDER_23), (2003, AgeBand.FROM_23),
    (1982, AgeBand.FROM_23), (1981, AgeBand.FROM_45), (1962, AgeBand.FROM_45),
    (1961, AgeBand.FROM_65), (1930, AgeBand.FROM_65), (None, AgeBand.UNKNOWN),
])
def test_age_band_in_2026(birth_year, band):
    assert age_band(birth_year, 2026) is band


@pytest.mark.parametrize("birth_year, ok", [(2008, True), (2009, False), (1900, True),
                                            (1899, False)])
def test_birth_year_bounds(birth_year, ok):
    assert (birth_year_problem(birth_year, 2026) is None) is ok


KEY = b"a test key of sufficient length"


def test_pseudonym_is_keyed_stable_and_opaque():
    assert pseudonym_of("111222333", KEY) == pseudonym_of("111222333", KEY)
    assert pseudonym_of("111222333", KEY) != pseudonym_of("123456782", KEY)
    assert pseudonym_of("111222333", KEY) != pseudonym_of("111222333", b"another key entirely")
    assert "111222333" not in pseudonym_of("111222333", KEY)
    assert len(pseudonym_of("111222333", KEY)) == 64


def test_a_pseudonym_is_not_a_plain_hash():
    import hashlib

    assert pseudonym_of("111222333", KEY) != hashlib.sha256(b"111222333").hexdigest()


def test_fingerprints_and_pseudonyms_never_coincide():
    assert fingerprint_of("111222333", KEY) != pseudonym_of("111222333", KEY)
