"""By-name list figures per municipality and month, counted as Built for Zero counts them.

Each candidate's urgency history is a list of dated steps (granted, extended, refused,
revoked, lapsed, expired, withdrawn, housed). Figures of a month, in the municipality of the
candidate's urgency (the granting municipality; for a refusal the refusing one):

- active: urgent at the end of the month (granted or extended, and not ended since);
- newlyGranted: granted while not urgent, and never housed before (a first grant, or a grant
  after a refusal, expiry, lapse, revocation or withdrawal);
- returnedAfterHousing: granted again after a placement (a failed tenancy);
- housed: moved in through the platform;
- lapsedOrExpired, withdrawn, revoked, refused: the step of that kind in the month.

Only steps apply: events of one candidate may arrive out of date order (placements and
intake events come from different topics), so the history is sorted by date when counted.
A step repeated (same kind, same day) counts once. Adding a new kind of step is a constant
here plus one line in `_effect`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

GRANTED = "granted"
EXTENDED = "extended"
REFUSED = "refused"
REVOKED = "revoked"
LAPSED = "lapsed"
EXPIRED = "expired"
WITHDRAWN = "withdrawn"
HOUSED = "housed"

COLUMNS = ("active", "newlyGranted", "returnedAfterHousing", "housed", "lapsedOrExpired",
           "withdrawn", "revoked", "refused")
# a step that ends the running urgency -> the column it counts in
_ENDING = {LAPSED: "lapsedOrExpired", EXPIRED: "lapsedOrExpired", WITHDRAWN: "withdrawn",
           REVOKED: "revoked", HOUSED: "housed"}
_ORDER = {kind: i for i, kind in enumerate(
    (GRANTED, EXTENDED, REFUSED, REVOKED, LAPSED, EXPIRED, HOUSED, WITHDRAWN))}


@dataclass(frozen=True, order=True)
class Step:
    on: date
    order: int  # same day: a grant before its ending, so a one-day spell still counts
    kind: str
    municipality: str


@dataclass
class History:
    steps: set[Step] = field(default_factory=set)


@dataclass
class _Walk:
    """One candidate's state while its steps are replayed in date order."""

    urgent_in: str | None = None  # the municipality of the running urgency, if urgent
    ever_housed: bool = False


class ByNameList:
    def __init__(self) -> None:
        self.histories: dict[str, History] = defaultdict(History)

    def record(self, candidate_id: str, kind: str, on: date, municipality: str | None
               ) -> None:
        self.histories[candidate_id].steps.add(
            Step(on, _ORDER[kind], kind, municipality or ""))

    def figures(self, months: list[str], municipalities: set[str] | None
                ) -> dict[tuple[str, str], dict[str, int]]:
        """(municipality, month) -> the counts of COLUMNS, for the months asked."""
        table: dict[tuple[str, str], dict[str, int]] = defaultdict(
            lambda: dict.fromkeys(COLUMNS, 0))
        for history in self.histories.values():
            _count(sorted(history.steps), months, municipalities, table)
        return table

    def snapshot(self) -> list:
        return [(cid, sorted(h.steps)) for cid, h in sorted(self.histories.items())]


def _count(steps: list[Step], months: list[str], municipalities: set[str] | None,
           table: dict) -> None:
    walk, index = _Walk(), 0
    for month in months:
        while index < len(steps) and _month(steps[index].on) <= month:
            step = steps[index]
            column = _effect(walk, step)
            if column and _month(step.on) == month and _in(municipalities, step.municipality):
                table[(step.municipality, month)][column] += 1
            index += 1
        if walk.urgent_in is not None and _in(municipalities, walk.urgent_in):
            table[(walk.urgent_in, month)]["active"] += 1


def _effect(walk: _Walk, step: Step) -> str | None:
    """Apply one step; the column it counts in, if any."""
    if step.kind == GRANTED:
        was_urgent, walk.urgent_in = walk.urgent_in is not None, step.municipality
        if was_urgent:
            return None  # a renewal of a running urgency
        return "returnedAfterHousing" if walk.ever_housed else "newlyGranted"
    if step.kind == EXTENDED:
        walk.urgent_in = walk.urgent_in or step.municipality
        return None
    if step.kind == REFUSED:
        return "refused"
    if step.kind == HOUSED:
        walk.ever_housed = True
    elif walk.urgent_in is None:
        return None  # e.g. an expiry after the household was housed or withdrew
    walk.urgent_in = None
    return _ENDING[step.kind]


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _in(codes: set[str] | None, code: str) -> bool:
    return codes is None or code in codes
