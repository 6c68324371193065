"""Days from an urgency application to the municipality's decision, per municipality.

Each candidate has a set of applications (date, municipality) and a set of decisions
(date, granted or refused, municipality). Sets, compared only when a report is asked, make
the figures independent of the order events arrive in and of replays: a repeated event adds
nothing.

An application is decided by the first decision on or after its date and before the next
application of the same candidate; decisions without an application before them (a grant
from before the platform knew applications, an extension) are not counted. A decision counts
in the period of its date, in the deciding municipality. An application is waiting on the
report date (the period's end, or the latest date seen if that is earlier) when it was made
by then and not decided by then.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from services.monitoring.domain.stats import percentile

GRANTED = "granted"
REFUSED = "refused"
COUNTS = ("decisions", "granted", "refused", "waiting")
# a median or p90 of few decisions describes those few households; the oldest wait, one
DEPENDENTS = {"decisions": ("medianDays", "p90Days"), "waiting": ("oldestWaitingDays",)}


@dataclass(frozen=True, order=True)
class Application:
    on: date
    municipality: str


@dataclass(frozen=True, order=True)
class Decision:
    on: date
    kind: str
    municipality: str


@dataclass
class _Case:
    applications: set[Application] = field(default_factory=set)
    decisions: set[Decision] = field(default_factory=set)


@dataclass
class _Tally:
    days: list[int] = field(default_factory=list)
    granted: int = 0
    refused: int = 0
    waiting_since: list[date] = field(default_factory=list)


class DecisionTimes:
    def __init__(self) -> None:
        self.cases: dict[str, _Case] = defaultdict(_Case)

    def applied(self, candidate_id: str, on: date, municipality: str) -> None:
        self.cases[candidate_id].applications.add(Application(on, municipality))

    def decided(self, candidate_id: str, kind: str, on: date, municipality: str) -> None:
        self.cases[candidate_id].decisions.add(Decision(on, kind, municipality))

    def rows(self, start: date, end: date, as_of: date, codes: set[str] | None
             ) -> list[dict]:
        """One row per municipality (sorted by code): decisions dated in [start, end] and
        applications waiting on min(end, as_of); `codes` None means every municipality."""
        report_date = min(end, as_of)
        tallies: dict[str, _Tally] = defaultdict(_Tally)
        for case in self.cases.values():
            for application, decision in _pairs(case):
                if decision is not None and start <= decision.on <= end:
                    _count_decision(tallies[decision.municipality], application, decision)
                if application.on <= report_date and (
                        decision is None or decision.on > report_date):
                    tallies[application.municipality].waiting_since.append(application.on)
        return [_row(code, tally, report_date) for code, tally in sorted(tallies.items())
                if codes is None or code in codes]

    def municipalities(self) -> set[str]:
        return {a.municipality for c in self.cases.values() for a in c.applications}

    def snapshot(self) -> list:
        return [(cid, sorted(c.applications), sorted(c.decisions))
                for cid, c in sorted(self.cases.items())]


def _pairs(case: _Case) -> list[tuple[Application, Decision | None]]:
    """Each application with the decision that answered it, if any."""
    applications, decisions = sorted(case.applications), sorted(case.decisions)
    pairs = []
    for index, application in enumerate(applications):
        following = applications[index + 1].on if index + 1 < len(applications) else None
        answer = next((d for d in decisions if d.on >= application.on
                       and (following is None or d.on < following)), None)
        pairs.append((application, answer))
    return pairs


def _count_decision(tally: _Tally, application: Application, decision: Decision) -> None:
    tally.days.append((decision.on - application.on).days)
    if decision.kind == GRANTED:
        tally.granted += 1
    else:
        tally.refused += 1


def _row(code: str, tally: _Tally, report_date: date) -> dict:
    oldest = min(tally.waiting_since, default=None)
    return {"municipality": code, "decisions": len(tally.days),
            "medianDays": percentile(tally.days, 50), "p90Days": percentile(tally.days, 90),
            "granted": tally.granted, "refused": tally.refused,
            "waiting": len(tally.waiting_since),
            "oldestWaitingDays": None if oldest is None else (report_date - oldest).days}
