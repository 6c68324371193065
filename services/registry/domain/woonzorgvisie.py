"""Woonzorgvisie imports: housing need, population forecast, need rates and the building
programme, validated row by row (docs/WOONZORGVISIE.md describes the formats).

An area is a CBS code of a municipality (GM0014), a wijk (WK001401) or a buurt (BU00140101);
wijk and buurt codes embed their municipality's four digits. A municipality may import only
figures of its own areas; the province imports for any known municipality.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from services.registry.domain.errors import RowError
from shared.contracts.vocabulary import NEED_GROUPS, HousingType

FIRST_YEAR, LAST_YEAR = 2024, 2040
MAX_SOURCE_LENGTH = 200
_AREA = re.compile(r"^(GM\d{4}|WK\d{6}|BU\d{8})$")
_AGE_BAND = re.compile(r"^\d{1,3}(-\d{1,3}|\+)$")
HOUSING_TYPES = tuple(t.value for t in HousingType)


class ImportKind(StrEnum):
    HOUSING_NEED = "housing-need"
    POPULATION_FORECAST = "population-forecast"
    NEED_RATES = "need-rates"
    BUILDING_PROGRAMME = "building-programme"


@dataclass(frozen=True)
class WoonzorgvisieImport:
    id: str
    kind: ImportKind
    version: int  # per kind and importing organisation: 1, 2, ...
    org: str
    source: str
    rows: tuple[dict[str, Any], ...]
    imported_at: datetime
    rates_import: str | None = None  # a forecast: the need-rates import it is multiplied by
    rates: tuple[dict[str, Any], ...] = ()
    illustrative: bool = False  # a made-up example dataset (the demo's), labelled as such


def municipality_of(area: str) -> str:
    """GM + the four digits every CBS area code of a municipality carries."""
    return "GM" + area[2:6]


# --- cell readers: (value, None) or (None, reason) ------------------------------------------

Reader = Callable[[str], tuple[Any, str | None]]


def _area(value: str) -> tuple[Any, str | None]:
    if not _AREA.fullmatch(value):
        return None, "must be a CBS code GM####, WK###### or BU########"
    return value, None


def _year(value: str) -> tuple[Any, str | None]:
    if not value.isdigit() or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        return None, f"must be a year from {FIRST_YEAR} to {LAST_YEAR}"
    return int(value), None


def _one_of(allowed: tuple[str, ...]) -> Reader:
    def read(value: str) -> tuple[Any, str | None]:
        return (value, None) if value in allowed else (None, f"must be one of {', '.join(allowed)}")
    return read


def _count(value: str) -> tuple[Any, str | None]:
    return (int(value), None) if value.isdigit() else (None, "must be a whole number >= 0")


def _signed(value: str) -> tuple[Any, str | None]:
    if re.fullmatch(r"[+-]?\d+", value) and int(value) != 0:
        return int(value), None
    return None, "must be a whole number, positive (new) or negative (demolished), not 0"


def _rate(value: str) -> tuple[Any, str | None]:
    try:
        rate = float(value.replace(",", "."))
    except ValueError:
        rate = -1.0
    return (rate, None) if 0 <= rate <= 1 else (None, "must be a share from 0 to 1")


def _age_band(value: str) -> tuple[Any, str | None]:
    return (value, None) if _AGE_BAND.fullmatch(value) else (None, "must look like 65-74 or 75+")


def _text(value: str) -> tuple[Any, str | None]:
    return (value, None) if len(value) <= 100 else (None, "must be at most 100 characters")


COLUMNS: dict[ImportKind, dict[str, Reader]] = {
    ImportKind.HOUSING_NEED: {"area": _area, "year": _year,
                              "targetGroup": _one_of(NEED_GROUPS),
                              "housingType": _one_of(HOUSING_TYPES), "households": _count},
    ImportKind.POPULATION_FORECAST: {"area": _area, "year": _year, "ageBand": _age_band,
                                     "persons": _count},
    ImportKind.NEED_RATES: {"ageBand": _age_band, "housingType": _one_of(HOUSING_TYPES),
                            "rate": _rate},
    ImportKind.BUILDING_PROGRAMME: {"area": _area, "year": _year,
                                    "housingType": _one_of(HOUSING_TYPES), "change": _signed,
                                    "owner": _text},
}
# the columns that identify a figure: a second row with the same values is an error
IDENTITY: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.HOUSING_NEED: ("area", "year", "targetGroup", "housingType"),
    ImportKind.POPULATION_FORECAST: ("area", "year", "ageBand"),
    ImportKind.NEED_RATES: ("ageBand", "housingType"),
    ImportKind.BUILDING_PROGRAMME: ("area", "year", "housingType", "owner"),
}


@dataclass(frozen=True)
class Allowed:
    """Which municipalities the caller may import figures of."""

    known: frozenset[str]
    own: str | None  # a municipality caller: its CBS code; None: any known municipality


def validate_rows(kind: ImportKind, rows: list[tuple[int, dict[str, str] | None]],
                  allowed: Allowed) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Typed rows, and every error as (row, column, reason); the import is all or nothing."""
    typed, errors, first_row = [], [], {}
    if not rows:
        errors.append(RowError(0, "file", "holds a header but no rows"))
    for number, cells in rows:
        if cells is None:
            errors.append(RowError(number, "row", "has another number of cells than the header"))
            continue
        row, found = _row(kind, number, cells, allowed)
        errors += found
        if found:
            continue
        identity = tuple(row[name] for name in IDENTITY[kind])
        if identity in first_row:
            errors.append(RowError(number, "row", f"repeats row {first_row[identity]}"))
            continue
        first_row[identity] = number
        typed.append(row)
    return typed, errors


def _row(kind: ImportKind, number: int, cells: Mapping[str, str],
         allowed: Allowed) -> tuple[dict[str, Any], list[RowError]]:
    row, errors = {}, []
    for column, read in COLUMNS[kind].items():
        value = cells.get(column, "").strip()
        if not value:
            errors.append(RowError(number, column, "is required"))
            continue
        row[column], reason = read(value)
        if reason is None and column == "area":
            reason = _area_error(value, allowed)
        if reason:
            errors.append(RowError(number, column, reason))
    return row, errors


def _area_error(area: str, allowed: Allowed) -> str | None:
    municipality = municipality_of(area)
    if municipality not in allowed.known:
        return f"{area} lies in no known municipality ({municipality}); see GET /v1/municipalities"
    if allowed.own is not None and municipality != allowed.own:
        return (f"{area} lies in {municipality}; municipality {allowed.own} imports only its "
                f"own areas")
    return None


def rates_errors(forecast: list[tuple[int, dict[str, Any]]],
                 rates: tuple[dict[str, Any], ...]) -> list[RowError]:
    """A forecast row whose age band has no rate would silently count no need: refuse it."""
    bands = {r["ageBand"] for r in rates}
    return [RowError(number, "ageBand", f"the rates import names no rate for age band "
                                        f"{row['ageBand']}")
            for number, row in forecast if row["ageBand"] not in bands]
