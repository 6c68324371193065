"""Income and rent limits of passend toewijzen and DAEB.

The limits change every 1 January, so they are data (`shared/contracts/yearly_limits.json`, which intake
reads too): `YEARLY_LIMITS` holds every year of that file, and a rule asks for the limits on
the date of its decision (`for_date`). No figure is written in code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date

from shared.contracts.vocabulary import IncomeClass
from shared.contracts.yearly_limits import yearly_limits_document


@dataclass(frozen=True)
class IncomeLimits:
    year: int
    rent_cap_small: float  # aftoppingsgrens for households of 1-2 persons
    rent_cap_large: float  # aftoppingsgrens for households of 3 or more
    liberalisation_limit: float  # rents up to here are DAEB (social) dwellings
    passend_income_single: float  # passend toewijzen applies up to this yearly income
    passend_income_multi: float
    daeb_income_single: float  # a DAEB dwelling goes to incomes up to this limit
    daeb_income_multi: float

    @classmethod
    def from_mapping(cls, data: Mapping[str, float]) -> "IncomeLimits":
        """Build from a data file's dict; unknown keys are an error so typos do not pass."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown income limit keys: {sorted(unknown)}")
        return cls(**data)  # type: ignore[arg-type]

    def for_date(self, day: date) -> "IncomeLimits":
        """One fixed set of limits (a scenario's or a test's) applies on every date."""
        return self

    def rent_cap(self, household_size: int) -> float:
        return self.rent_cap_small if household_size <= 2 else self.rent_cap_large

    def income_class(self, yearly_income: float, household_size: int) -> IncomeClass:
        """What intake reports instead of the income itself."""
        single = household_size <= 1
        passend = self.passend_income_single if single else self.passend_income_multi
        daeb = self.daeb_income_single if single else self.daeb_income_multi
        if yearly_income <= passend:
            return IncomeClass.PASSEND
        if yearly_income <= daeb:
            return IncomeClass.DAEB
        return IncomeClass.ABOVE_DAEB




@dataclass(frozen=True)
class YearlyLimits:
    """The limits of every year given; a date in a year without figures gets the latest
    earlier year's (the file is updated on 1 January, a restart may lag a few days)."""

    by_year: Mapping[int, IncomeLimits]

    def for_date(self, day: date) -> IncomeLimits:
        known = [year for year in self.by_year if year <= day.year]
        if not known:
            raise LookupError(f"no income limits for {day.year} or earlier")
        return self.by_year[max(known)]

    def for_year(self, year: int) -> IncomeLimits:
        return self.for_date(date(year, 12, 31))

    @classmethod
    def from_document(cls, document: Mapping) -> "YearlyLimits":
        by_year = {int(year): _year_limits(int(year), entry)
                   for year, entry in document["years"].items()}
        if not by_year:
            raise ValueError("yearly limits: no year given")
        return cls(by_year)


def _year_limits(year: int, entry: Mapping) -> IncomeLimits:
    return IncomeLimits(
        year=year,
        rent_cap_small=float(entry["rentCap"]["oneOrTwo"]),
        rent_cap_large=float(entry["rentCap"]["threeOrMore"]),
        liberalisation_limit=float(entry["liberalisationLimit"]),
        passend_income_single=float(entry["passend"]["onePerson"]),
        passend_income_multi=float(entry["passend"]["twoOrMore"]),
        daeb_income_single=float(entry["daeb"]["onePerson"]),
        daeb_income_multi=float(entry["daeb"]["twoOrMore"]),
    )


YEARLY_LIMITS = YearlyLimits.from_document(yearly_limits_document())
INCOME_LIMITS_2025 = YEARLY_LIMITS.for_year(2025)  # for tests and the simulator's fixed year
