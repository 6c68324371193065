"""How long a granted urgency stays valid: the category's `validityDays` in the fair-share
agreement in force for the candidate's municipality (a decision may give a shorter validity,
never a longer one); the configured default where no agreement says. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class AgreementTerms:
    """What intake keeps of a published agreement (registry.agreements.v1)."""

    scope: str
    period: str
    version: int
    start: date
    end: date  # inclusive
    municipalities: frozenset[str]
    validity_days: dict[str, int] = field(default_factory=dict)  # category -> days

    def covers(self, municipality: str, day: date) -> bool:
        return municipality in self.municipalities and self.start <= day <= self.end


def agreed_validity_days(agreements: list[AgreementTerms], municipality: str, category: str,
                         day: date) -> int | None:
    """Days of the agreement in force on `day`: the most specific period (a half year over a
    year, as allocation picks it), then the latest version; None when no agreement covers
    the municipality or names the category."""
    current = [a for a in agreements if a.covers(municipality, day)]
    if not current:
        return None
    chosen = min(current, key=lambda a: ((a.end - a.start).days, -a.version, a.scope))
    return chosen.validity_days.get(category)


@dataclass(frozen=True)
class Validity:
    days: int
    from_agreement: bool  # then a requested last day may not lie beyond it

    def last_day(self, today: date) -> date:
        return today + timedelta(days=self.days)
