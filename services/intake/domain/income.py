"""Income class for passend toewijzen, from yearly limits kept as data (the shared
`shared/contracts/yearly_limits.json`, which allocation reads too).

Only the class leaves intake; the income itself stays here, encrypted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shared.contracts.vocabulary import IncomeClass
from shared.contracts.yearly_limits import YEARLY_LIMITS_PATH

INCOME_LIMITS_PATH = YEARLY_LIMITS_PATH


@dataclass(frozen=True)
class Limit:
    one_person: float
    two_or_more: float

    def for_household(self, household_size: int) -> float:
        return self.one_person if household_size <= 1 else self.two_or_more


@dataclass(frozen=True)
class YearLimits:
    year: int
    passend: Limit
    daeb: Limit


@dataclass(frozen=True)
class IncomeLimits:
    by_year: dict[int, YearLimits]

    @classmethod
    def from_document(cls, document: dict) -> "IncomeLimits":
        by_year = {}
        for year, entry in document["years"].items():
            limits = YearLimits(int(year), _limit(entry["passend"]), _limit(entry["daeb"]))
            for size in (1, 2):
                if limits.passend.for_household(size) > limits.daeb.for_household(size):
                    raise ValueError(f"income limits {year}: passend above DAEB")
            by_year[int(year)] = limits
        if not by_year:
            raise ValueError("income limits: no year given")
        return cls(by_year)

    def for_year(self, year: int) -> YearLimits:
        """The limits of `year`, or of the latest earlier year when `year` has none yet."""
        known = [y for y in self.by_year if y <= year]
        if not known:
            raise LookupError(f"no income limits for {year} or earlier")
        return self.by_year[max(known)]

    def classify(self, yearly_income: float, household_size: int, year: int) -> IncomeClass:
        limits = self.for_year(year)
        if yearly_income <= limits.passend.for_household(household_size):
            return IncomeClass.PASSEND
        if yearly_income <= limits.daeb.for_household(household_size):
            return IncomeClass.DAEB
        return IncomeClass.ABOVE_DAEB


def _limit(entry: dict) -> Limit:
    return Limit(float(entry["onePerson"]), float(entry["twoOrMore"]))


@lru_cache(maxsize=4)
def load_income_limits(path: Path = INCOME_LIMITS_PATH) -> IncomeLimits:
    return IncomeLimits.from_document(json.loads(path.read_text(encoding="utf-8")))
