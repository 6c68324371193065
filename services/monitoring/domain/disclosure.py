"""Statistical disclosure control for public aggregates.

Like CBS, a count cell with 0 < value < threshold (default 5: 1, 2, 3, 4) is suppressed.
Zero is NOT suppressed: an empty cell discloses nothing about a person, and CBS publishes
zeros. A suppressed cell becomes `marker` (default None, which JSON shows as null; a CSV
export may pass e.g. "<5").

Values derived from a suppressed cell would give it away (a lag is realised - expected, a
median of two waiting times describes two people), so `suppress_rows` also blanks the
`dependents` of a suppressed field. Secondary suppression (blanking a second cell so that a
suppressed one cannot be recomputed from a row or column total) is not done here.
"""

from __future__ import annotations

import numbers
from typing import Any, Iterable, Mapping, Sequence

DEFAULT_THRESHOLD = 5

# dependents for the read-model tables (camelCase keys, as in the rows' to_dict())
REALISATION_COUNTS = ("realised", "lettingsSeen")
REALISATION_DEPENDENTS: dict[str, tuple[str, ...]] = {
    "realised": ("lag", "status", "statusLabel"),
    "lettingsSeen": ("expectedToDate", "lag", "status", "statusLabel"),
}
WAITING_TIME_COUNTS = ("count", "unknown")
WAITING_TIME_DEPENDENTS: dict[str, tuple[str, ...]] = {
    "count": ("medianDays", "p90Days", "meanDays"),
}


def _is_count(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def is_suppressed(value: Any, threshold: int = DEFAULT_THRESHOLD) -> bool:
    return _is_count(value) and 0 < value < threshold


def suppress(value: Any, threshold: int = DEFAULT_THRESHOLD, marker: Any = None) -> Any:
    """`marker` for 0 < value < threshold, else the value unchanged (0 and None stay)."""
    return marker if is_suppressed(value, threshold) else value


def suppress_row(
    row: Mapping[str, Any],
    count_fields: Sequence[str] | None = None,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    marker: Any = None,
    dependents: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """A copy of `row` with small counts suppressed.

    `count_fields`: the fields holding counts of people or lettings; None means every
    numeric (non-bool) field. Nested dicts of counts (e.g. {"geen": 3, "rolstoel": 0}) are
    suppressed cell by cell.
    """
    out = dict(row)
    fields = list(row) if count_fields is None else list(count_fields)
    blanked: list[str] = []
    for name in fields:
        if name not in out:
            continue
        value = out[name]
        if isinstance(value, Mapping):
            out[name] = {k: suppress(v, threshold, marker) for k, v in value.items()}
        elif is_suppressed(value, threshold):
            out[name] = marker
            blanked.append(name)
    for name in blanked:
        for dependent in (dependents or {}).get(name, ()):
            if dependent in out:
                out[dependent] = marker
    return out


def suppress_rows(
    rows: Iterable[Mapping[str, Any]],
    count_fields: Sequence[str] | None = None,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    marker: Any = None,
    dependents: Mapping[str, Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """Apply `suppress_row` to every row of a table."""
    return [suppress_row(r, count_fields, threshold=threshold, marker=marker,
                         dependents=dependents) for r in rows]
