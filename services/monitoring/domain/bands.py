"""Expected-to-date, status bands (op schema / achter / voor) and band-change alerts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Iterable, Mapping


class Status(StrEnum):
    """Status band of a realisation against its expected-to-date (ids on the wire)."""

    ON_TRACK = "on-track"
    BEHIND = "behind"
    AHEAD = "ahead"

    @property
    def label(self) -> str:
        """Dutch label, as the dashboard shows it."""
        return STATUS_LABELS_NL[self]

    @property
    def label_en(self) -> str:
        return STATUS_LABELS_EN[self]


STATUS_LABELS_NL = {Status.ON_TRACK: "op schema", Status.BEHIND: "achter", Status.AHEAD: "voor"}
STATUS_LABELS_EN = {Status.ON_TRACK: "on track", Status.BEHIND: "behind", Status.AHEAD: "ahead"}


class ExpectedBasis(StrEnum):
    LETTINGS = "lettings"  # share of the period's expected lettings seen so far
    TIME = "time"  # share of the period's days elapsed


@dataclass(frozen=True)
class BandPolicy:
    """Tolerance band: |lag| <= max(minimum, relative * expected_to_date) is on track.

    The edges belong to the band (a lag of exactly -tolerance is still on track).
    `basis` chooses how expected-to-date is scaled (lettings seen, falling back to time).
    """

    relative: float = 0.10
    minimum: float = 1.0
    basis: ExpectedBasis = ExpectedBasis.LETTINGS

    def __post_init__(self) -> None:
        if not (math.isfinite(self.relative) and self.relative >= 0):
            raise ValueError("relative tolerance must be a finite number >= 0")
        if not (math.isfinite(self.minimum) and self.minimum >= 0):
            raise ValueError("minimum tolerance must be a finite number >= 0")
        object.__setattr__(self, "basis", ExpectedBasis(self.basis))

    def tolerance(self, expected_to_date: float) -> float:
        return max(self.minimum, self.relative * abs(expected_to_date))


DEFAULT_POLICY = BandPolicy()


def expected_to_date(
    target: float,
    lettings_seen: float | None,
    expected_lettings: float | None,
    elapsed_fraction: float | None = None,
) -> float:
    """target scaled by the share of the period's lettings seen so far (DOMAIN.md).

    fraction = min(1, lettings_seen / expected_lettings) when there are lettings data (both
    given and expected_lettings > 0); otherwise the elapsed-time fraction of the period
    (clamped to 0..1). Without either, ValueError.
    """
    if target < 0:
        raise ValueError("target must not be negative")
    if lettings_seen is not None and expected_lettings is not None and expected_lettings > 0:
        if lettings_seen < 0:
            raise ValueError("lettings_seen must not be negative")
        fraction = min(1.0, lettings_seen / expected_lettings)
    elif elapsed_fraction is not None:
        fraction = min(1.0, max(0.0, elapsed_fraction))
    else:
        raise ValueError("need lettings data (lettings_seen, expected_lettings > 0) or an "
                         "elapsed fraction")
    return target * fraction


def classify(realised: float, expected: float, policy: BandPolicy = DEFAULT_POLICY) -> Status:
    lag = realised - expected
    tolerance = policy.tolerance(expected)
    if lag < -tolerance:
        return Status.BEHIND
    if lag > tolerance:
        return Status.AHEAD
    return Status.ON_TRACK


# --- band changes -------------------------------------------------------------------------


class ChangeKind(StrEnum):
    LEFT_BAND = "left-band"  # on track -> behind/ahead
    ENTERED_BAND = "entered-band"  # behind/ahead -> on track
    CROSSED_BAND = "crossed-band"  # behind <-> ahead


@dataclass(frozen=True)
class BandChange:
    municipality: str
    previous: Status | None  # None: first observation (treated as on track)
    status: Status
    kind: ChangeKind
    realised: int | None = None
    expected_to_date: float | None = None
    target: int | None = None

    def event_data(self, scope: str, period: str) -> dict[str, Any]:
        """camelCase data of a `monitoring.realisation-band-changed` event."""
        return {
            "scope": scope,
            "period": period,
            "municipality": self.municipality,
            "previousStatus": None if self.previous is None else self.previous.value,
            "status": self.status.value,
            "realised": int(self.realised or 0),
            "expectedToDate": float(self.expected_to_date or 0.0),
            "target": int(self.target or 0),
        }


def _status_of(value: Any) -> Status | None:
    if value is None:
        return None
    if isinstance(value, Status):
        return value
    if isinstance(value, str):
        return Status(value)
    status = getattr(value, "status", None)  # a RealisationRow
    return None if status is None else Status(status)


def detect_band_changes(
    previous: Mapping[str, Any], current: Mapping[str, Any]
) -> list[BandChange]:
    """Alerts for municipalities whose band changed between two observations.

    `previous` and `current` map a CBS code to a Status (or its id, or a row with `.status`).
    A municipality missing from `previous` (or None there) counts as on track, so a first
    observation outside the band is an alert and one inside it is not. Municipalities missing
    from `current`, or with no status there, yield nothing. Sorted by CBS code.
    """
    changes: list[BandChange] = []
    for code in sorted(current):
        row = current[code]
        status = _status_of(row)
        if status is None:
            continue
        before = _status_of(previous.get(code))
        baseline = before or Status.ON_TRACK
        if status == baseline:
            continue
        if baseline == Status.ON_TRACK:
            kind = ChangeKind.LEFT_BAND
        elif status == Status.ON_TRACK:
            kind = ChangeKind.ENTERED_BAND
        else:
            kind = ChangeKind.CROSSED_BAND
        changes.append(BandChange(
            municipality=code, previous=before, status=status, kind=kind,
            realised=getattr(row, "realised", None),
            expected_to_date=getattr(row, "expected_to_date", None),
            target=getattr(row, "target", None),
        ))
    return changes


class BandTracker:
    """Remembers the last status per (scope, period, municipality) and reports changes.

    The state (`statuses`) is plain data so the service can persist it and restore it.
    """

    def __init__(self, statuses: Mapping[tuple[str, str, str], str] | None = None) -> None:
        self.statuses: dict[tuple[str, str, str], str] = dict(statuses or {})

    def update(self, scope: str, period: str, rows: Iterable[Any]) -> list[BandChange]:
        """`rows`: municipality rows (with .municipality/.scope_id and .status)."""
        current = {}
        for row in rows:
            code = getattr(row, "municipality", None) or getattr(row, "scope_id")
            current[code] = row
        previous = {code: self.statuses.get((scope, period, code)) for code in current}
        changes = detect_band_changes(previous, current)
        for code, row in current.items():
            status = _status_of(row)
            if status is not None:
                self.statuses[(scope, period, code)] = status.value
        return changes
