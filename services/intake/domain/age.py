"""Age band from a birth year: the only trace of age that leaves intake.

With a birth year only, the age is the age reached during `year` (year - birth year); a
person born late in the year is a band older a few months early, which passend toewijzen
and monitoring can live with.
"""

from __future__ import annotations

from shared.contracts.vocabulary import AgeBand

MIN_AGE = 18  # the platform houses adults; a client may be registered in the year they turn 18
OLDEST_BIRTH_YEAR = 1900


def age_in(year: int, birth_year: int) -> int:
    return year - birth_year


def age_band(birth_year: int | None, year: int) -> AgeBand:
    if birth_year is None:
        return AgeBand.UNKNOWN
    age = age_in(year, birth_year)
    if age < 23:
        return AgeBand.UNDER_23
    if age < 45:
        return AgeBand.FROM_23
    if age < 65:
        return AgeBand.FROM_45
    return AgeBand.FROM_65


def birth_year_problem(birth_year: int, year: int) -> str | None:
    if birth_year < OLDEST_BIRTH_YEAR:
        return f"must be {OLDEST_BIRTH_YEAR} or later"
    if age_in(year, birth_year) < MIN_AGE:
        return f"the candidate must turn {MIN_AGE} in {year} at the latest"
    return None
