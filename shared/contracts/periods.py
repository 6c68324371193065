"""Agreement periods (`2026`, `2026-H1`, `2026-H2`) in Europe/Amsterdam calendar dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_PERIOD = re.compile(r"^(?P<year>\d{4})(-H(?P<half>[12]))?$")


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    @classmethod
    def parse(cls, label: str) -> "Period":
        match = _PERIOD.fullmatch(label)
        if not match:
            raise ValueError(f"period must look like 2026 or 2026-H1, got {label!r}")
        year = int(match["year"])
        if not 2000 <= year <= 2100:
            raise ValueError(f"period year {year} is out of range 2000..2100")
        half = match["half"]
        if half is None:
            return cls(date(year, 1, 1), date(year, 12, 31), label)
        if half == "1":
            return cls(date(year, 1, 1), date(year, 6, 30), label)
        return cls(date(year, 7, 1), date(year, 12, 31), label)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def elapsed_fraction(self, day: date) -> float:
        """Share of the period that has passed at the end of `day` (0..1)."""
        if day < self.start:
            return 0.0
        if day >= self.end:
            return 1.0
        return ((day - self.start).days + 1) / self.days

    def previous(self) -> "Period":
        if self.label.endswith("-H2"):
            return Period.parse(f"{self.start.year}-H1")
        if self.label.endswith("-H1"):
            return Period.parse(f"{self.start.year - 1}-H2")
        return Period.parse(str(self.start.year - 1))


def today_amsterdam(now: datetime | None = None) -> date:
    moment = now or datetime.now(timezone.utc)
    return moment.astimezone(AMSTERDAM).date()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
