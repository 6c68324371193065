"""Woonzorgvisie reports: the housing gap, stapeling per wijk and the building programme's
realisation, as JSON documents and flat CSV rows, with small cells suppressed in the public
view (a gap or a share derived from a suppressed count is blanked with it)."""

from __future__ import annotations

from typing import Any

from services.monitoring.domain.woonzorgvisie import WoonzorgvisieModel
from services.monitoring.service.reports import Disclosure, Report

GAP_COUNTS = ("need", "supplyNow", "supplyWithProgramme")
GAP_DEPENDENTS = {"need": ("gap",), "supplyNow": ("gap", "supplyWithProgramme"),
                  "supplyWithProgramme": ("gap",)}
STAPELING_COUNTS = ("socialStock", "urgentPlacements", "careNeedingPlacements")
STAPELING_DEPENDENTS = {
    "socialStock": ("stockShare", "index", "flagged"),
    "urgentPlacements": ("urgentShare", "index", "flagged"),
    "careNeedingPlacements": ("careShare", "index", "flagged"),
}
REALISATION_COUNTS = ("planned", "delivered")
ILLUSTRATIVE_NOTE = ("Figures come from the imports named under `sources`; a source marked "
                     "illustrative is a made-up demo dataset, not research.")


def housing_gap(model: WoonzorgvisieModel, year: int, level: str, area: str | None,
                d: Disclosure) -> Report:
    rows = []
    for row in model.housing_gap(year, level, area):
        cells = {y: _one(d, c) for y, c in row["years"].items()}
        rows.append(_one(d, {k: v for k, v in row.items() if k != "years"}) | {"years": cells})
    flat = [{"area": r["area"], "name": r["name"], "housingType": r["housingType"],
             "year": int(y), **cells} for r in rows for y, cells in r["years"].items()]
    return Report("housing-gap", {"year": year, "level": level, "area": area, "rows": rows,
                                  "sources": model.sources(), "note": ILLUSTRATIVE_NOTE,
                                  **d.describe()}, flat)


def _one(d: Disclosure, cells: dict[str, Any]) -> dict[str, Any]:
    return d.rows([cells], GAP_COUNTS, GAP_DEPENDENTS)[0]


def stapeling(model: WoonzorgvisieModel, period: str, municipality: str | None,
              d: Disclosure) -> Report:
    rows = d.rows(model.stapeling(period, municipality), STAPELING_COUNTS,
                  STAPELING_DEPENDENTS)
    return Report("stapeling", {"period": period, "municipality": municipality, "rows": rows,
                                **d.describe()}, rows)


def programme_realisation(model: WoonzorgvisieModel, municipality: str | None,
                          d: Disclosure) -> Report:
    rows = d.rows(model.programme_realisation(municipality), REALISATION_COUNTS, {})
    return Report("programme-realisation", {"municipality": municipality, "rows": rows,
                                            "sources": model.sources(), **d.describe()}, rows)


def dashboard(model: WoonzorgvisieModel, year: int, municipality: str | None, period: str,
              d: Disclosure) -> dict[str, Any]:
    """What the woonzorgvisie page shows: the years of the chosen area (a municipality, or
    the province as the sum of its municipalities), the gap per municipality, stapeling."""
    codes = [municipality] if municipality else model.areas("municipality")
    totals: dict[tuple[str, str], dict[str, int]] = {}
    for code in codes:
        for row in model.gap_row(code, year):
            for y, cells in row["years"].items():
                cell = totals.setdefault((row["housingType"], y), dict.fromkeys(cells, 0))
                for name, value in cells.items():
                    cell[name] += value
    years = [_one(d, {"housingType": kind, "year": int(y), **cells})
             for (kind, y), cells in totals.items()]
    gap = d.rows([{k: v for k, v in row.items() if k != "years"}
                  for row in model.housing_gap(year, "municipality", municipality)],
                 GAP_COUNTS, GAP_DEPENDENTS)
    sources = model.sources()
    return {
        "year": year, "municipality": municipality, "period": period,
        "municipalities": {code: model.names.get(code, code)
                           for code in model.areas("municipality")},
        "years": years, "gap": gap,
        "stapeling": stapeling(model, period, municipality, d).rows,
        "sources": sources, "illustrative": any(s["illustrative"] for s in sources),
    }
