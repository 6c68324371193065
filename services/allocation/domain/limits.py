"""Income and rent limits of passend toewijzen and DAEB.

The limits change every 1 January, so they are data: rules receive an `IncomeLimits` and never
read a constant. `INCOME_LIMITS_2025` is the one place where this year's figures are written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from shared.vocabulary import IncomeClass


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


INCOME_LIMITS_2025 = IncomeLimits(
    year=2025,
    rent_cap_small=682.96,
    rent_cap_large=731.93,
    liberalisation_limit=900.07,
    passend_income_single=28_375,
    passend_income_multi=38_500,
    daeb_income_single=49_669,
    daeb_income_multi=54_847,
)
