"""What monitoring keeps of the reference events, and what its domain refuses.

The events arrive typed (shared/contracts/events.py, validated by
`shared.contracts.envelope.decode`); the read models keep only the fields they need, in
compact records: a national replay holds ~500,000 dwellings, so no event object is kept.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date, datetime

from shared.contracts import events as ev
from shared.contracts.periods import AMSTERDAM


class RejectedEvent(ValueError):
    """An event the schema accepted but the read model cannot apply (it goes to the DLQ);
    `field` names the problem."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class MunicipalityRecord:
    code: str
    name: str
    region: str
    province: str
    population: int


@dataclass(frozen=True, slots=True)  # slots: the stock holds hundreds of thousands
class DwellingRecord:
    bag_id: str
    municipality: str
    corporation: str
    rooms: int
    monthly_rent: float
    accessibility: str
    care_suitable: bool


@dataclass(frozen=True)
class TargetRecord:
    municipality: str
    key: float
    base_target: int
    carry_over: int
    target: int
    expected_lettings: float


@dataclass(frozen=True)
class AgreementRecord:
    scope: str
    period: str
    version: int
    period_start: date
    period_end: date
    urgent_share: float
    cap_share: float
    expected_lettings: int
    municipalities: tuple[str, ...]
    targets: tuple[TargetRecord, ...]

    def target_for(self, code: str) -> TargetRecord | None:
        for target in self.targets:
            if target.municipality == code:
                return target
        return None

    def covers(self, code: str) -> bool:
        return code in self.municipalities or self.target_for(code) is not None


def municipality_of(event: ev.MunicipalityUpserted) -> MunicipalityRecord:
    return MunicipalityRecord(event.code, event.name, event.region, event.province,
                              event.population)


def dwelling_of(facts: ev.DwellingFacts) -> DwellingRecord:
    return DwellingRecord(
        bag_id=facts.bag_id,
        # a few hundred distinct codes shared by the whole stock: one string each
        municipality=sys.intern(facts.municipality),
        corporation=sys.intern(facts.corporation),
        rooms=facts.rooms,
        monthly_rent=facts.monthly_rent,
        accessibility=facts.accessibility.value,
        care_suitable=facts.care_suitable,
    )


def agreement_of(event: ev.AgreementPublished) -> AgreementRecord:
    """Raises RejectedEvent for a period that ends before it starts."""
    if event.period_end < event.period_start:
        raise RejectedEvent("periodEnd", "is before periodStart")
    return AgreementRecord(
        scope=event.scope, period=event.period, version=event.version,
        period_start=event.period_start, period_end=event.period_end,
        urgent_share=event.urgent_share, cap_share=event.cap_share,
        expected_lettings=event.expected_lettings,
        municipalities=tuple(event.municipalities),
        targets=tuple(TargetRecord(t.municipality, t.key, t.base_target, t.carry_over,
                                   t.target, t.expected_lettings) for t in event.targets))


def amsterdam_day(moment: datetime) -> date:
    """The Europe/Amsterdam calendar day of a moment (a naive one is taken as local)."""
    return moment.astimezone(AMSTERDAM).date() if moment.tzinfo else moment.date()
