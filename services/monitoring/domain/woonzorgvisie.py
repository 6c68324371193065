"""Woonzorgvisie read model: need against supply per area and housing type, the building
programme's realisation, and stapeling (pile-up) per wijk. Pure: fed event by event.

Definitions (docs/WOONZORGVISIE.md explains them for readers):

- Housing type of a dwelling (`housing_type`): every dwelling of the stock feed counts as
  exactly one type, the most demanding it meets, so that types add up to the stock.
- Wijk of a dwelling: its `neighbourhood` when that is a CBS wijk code (WK######) or the wijk
  of a CBS buurt code (BU######## -> WK + its first six digits); otherwise unknown.
- Figures of an area: an import replaces the figures of the areas it names (of its kind). A
  municipality's figure is the sum of its rows at the coarsest level given (GM rows, else WK
  rows, else BU rows); a wijk's likewise (WK rows, else BU rows).
- Need of an area in a year: counted households (housing-need imports); where an area has no
  counted row in that year, persons of the population forecast x the rate of their age band.
- Supply now: the dwellings in the stock feed. Supply with the programme in year Y: supply
  now + the new homes planned up to Y that were not delivered yet (delivered ones are in
  supply now already; never below 0) + the demolitions planned up to Y (negative changes).
  Gap = need - supply with the programme (positive: a shortage).
- Delivered: a dwelling first seen on the stock feed after the first programme import naming
  its municipality counts as delivered in the year it was first seen.
- Stapeling in a period, per wijk of a municipality: the wijk's share of urgent placements
  and of care-needing placements (the candidate needs ambulant support) against its share of
  the municipality's social stock; index = the larger of the two ratios; flagged when the index
  exceeds the stapelingThreshold of the agreement covering the municipality for the period.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shared.contracts import events as ev
from shared.contracts.periods import AMSTERDAM, Period
from shared.contracts.vocabulary import Accessibility, HousingType

SIDE_BY_SIDE_YEARS = (2025, 2030, 2040)
UNKNOWN_WIJK = "onbekend"
_WIJK = re.compile(r"^WK\d{6}$")
_BUURT = re.compile(r"^BU\d{8}$")
LEVELS = ("municipality", "wijk")


def housing_type(accessibility: str, care_suitable: bool) -> HousingType:
    """How a dwelling of the stock feed counts: beschermd = care-suitable and wheelchair
    accessible; geclusterd = care-suitable; nultreden = step-free (nultreden or better);
    zelfstandig = every other social rental dwelling."""
    step_free = Accessibility(accessibility).meets(Accessibility.NULTREDEN)
    if care_suitable and accessibility == Accessibility.ROLSTOEL:
        return HousingType.BESCHERMD
    if care_suitable:
        return HousingType.GECLUSTERD
    if step_free:
        return HousingType.NULTREDEN
    return HousingType.ZELFSTANDIG


def wijk_of(neighbourhood: str | None) -> str | None:
    if not neighbourhood:
        return None
    if _WIJK.fullmatch(neighbourhood):
        return neighbourhood
    if _BUURT.fullmatch(neighbourhood):
        return "WK" + neighbourhood[2:8]
    return None


def municipality_of(area: str) -> str:
    return "GM" + area[2:6]


def _level_of(area: str) -> int:
    return {"GM": 0, "WK": 1, "BU": 2}[area[:2]]


def _inside(area: str, target: str) -> bool:
    """Whether `area` lies in `target` (a GM or WK code)."""
    return area[2:2 + len(target) - 2] == target[2:] and _level_of(area) >= _level_of(target)


@dataclass(frozen=True, slots=True)  # slots: the stock holds hundreds of thousands
class StockDwelling:
    bag_id: str
    municipality: str
    wijk: str | None
    housing_type: HousingType
    first_seen: datetime  # the time of the first event that showed it


@dataclass(frozen=True)
class Placement:
    """Joined with the dwelling (wijk) and the candidate (care) when asked: topics arrive in
    no fixed order across partitions, so nothing here depends on what arrived first."""

    municipality: str
    bag_id: str
    candidate_id: str
    on: date


@dataclass(frozen=True)
class Source:
    kind: str
    source: str
    org: str
    version: int
    import_id: str
    illustrative: bool


class WoonzorgvisieModel:
    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.dwellings: dict[str, StockDwelling] = {}
        # kind -> area -> (source, rows of that area)
        self.figures: dict[str, dict[str, tuple[Source, list[dict]]]] = defaultdict(dict)
        self.rates: dict[str, dict[tuple[str, str], float]] = {}  # forecast import -> rates
        self.programme_since: dict[str, datetime] = {}  # municipality -> first programme
        self.care_candidates: set[str] = set()
        self.placements: dict[str, Placement] = {}
        self.thresholds: dict[tuple[str, str], tuple[int, float | None, tuple[str, ...]]] = {}

    # --- applying -------------------------------------------------------------------------

    def apply(self, event: ev.Event, at: datetime) -> None:
        """Apply one typed event; `at` is its CloudEvents time (when a dwelling was first
        seen). Event types this model does not read change nothing."""
        handler = self._HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event, at)

    def _on_import(self, event: ev.WoonzorgvisieImported, at: datetime) -> None:
        source = Source(event.kind, event.source, event.org, event.version, event.import_id,
                        event.illustrative)
        rows = [f.wire() | {"importId": event.import_id}
                for f in event.need + event.forecast + event.programme]
        if event.kind == "population-forecast":
            self.rates[event.import_id] = {(r.age_band, str(r.housing_type)): r.rate
                                           for r in event.rates}
        by_area: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            by_area[row["area"]].append(row)
        for area, area_rows in by_area.items():
            self.figures[event.kind][area] = (source, area_rows)
            if event.kind == "building-programme":
                code = municipality_of(area)
                since = self.programme_since.get(code)
                self.programme_since[code] = min(since or event.imported_at, event.imported_at)

    def _on_municipality(self, event: ev.MunicipalityUpserted, at: datetime) -> None:
        self.names[event.code] = event.name or event.code

    def _on_dwelling(self, event: ev.DwellingUpserted | ev.VacancyAnnounced,
                     at: datetime) -> None:
        facts = event.dwelling
        known = self.dwellings.get(facts.bag_id)
        self.dwellings[facts.bag_id] = StockDwelling(
            facts.bag_id, sys.intern(facts.municipality), wijk_of(facts.neighbourhood),
            housing_type(facts.accessibility, facts.care_suitable),
            min(known.first_seen, at) if known else at)

    def delivered(self, dwelling: StockDwelling) -> bool:
        """Whether the dwelling appeared after a programme started in its municipality."""
        since = self.programme_since.get(dwelling.municipality)
        return since is not None and dwelling.first_seen > since

    def _on_candidate(self, event: ev.CandidateRegistered | ev.CandidateUpdated,
                      at: datetime) -> None:
        if event.profile.needs.ambulant_support:
            self.care_candidates.add(event.candidate_id)
        else:
            self.care_candidates.discard(event.candidate_id)

    def _on_placed(self, event: ev.CandidatePlaced, at: datetime) -> None:
        self.placements[event.placement_id] = Placement(
            event.municipality, event.bag_id, event.candidate_id, event.move_in_date)

    def _wijk_of_placement(self, placement: Placement) -> str:
        dwelling = self.dwellings.get(placement.bag_id)
        return (dwelling.wijk if dwelling else None) or UNKNOWN_WIJK

    def _on_agreement(self, event: ev.AgreementPublished, at: datetime) -> None:
        key = (event.scope, event.period)
        if key not in self.thresholds or self.thresholds[key][0] <= event.version:
            self.thresholds[key] = (event.version, event.stapeling_threshold,
                                    tuple(event.municipalities))

    # by the event's class
    _HANDLERS = {
        ev.WoonzorgvisieImported: _on_import,
        ev.MunicipalityUpserted: _on_municipality,
        ev.DwellingUpserted: _on_dwelling,
        ev.VacancyAnnounced: _on_dwelling,
        ev.AgreementPublished: _on_agreement,
        ev.CandidateRegistered: _on_candidate,
        ev.CandidateUpdated: _on_candidate,
        ev.CandidatePlaced: _on_placed,
    }

    # --- areas ----------------------------------------------------------------------------

    def areas(self, level: str, area: str | None = None) -> list[str]:
        """The municipalities (or wijken) with stock or figures, inside `area` if given."""
        if level == "municipality":
            found = {d.municipality for d in self.dwellings.values()} | set(self.names)
        else:
            found = {d.wijk for d in self.dwellings.values() if d.wijk}
        for by_area in self.figures.values():
            for code in by_area:
                if level == "municipality":
                    found.add(municipality_of(code))
                elif _level_of(code) >= 1:
                    found.add("WK" + code[2:8])
        return sorted(a for a in found if area is None or _inside(a, area) or a == area)

    def _rows_in(self, kind: str, target: str) -> list[dict]:
        """Rows of `kind` for `target` at the coarsest level given inside it."""
        by_level: dict[int, list[dict]] = defaultdict(list)
        for code, (_, rows) in self.figures.get(kind, {}).items():
            if code == target or _inside(code, target):
                by_level[_level_of(code)].extend(rows)
        return by_level[min(by_level)] if by_level else []

    # --- need and supply ------------------------------------------------------------------

    def need(self, target: str, year: int) -> dict[HousingType, int]:
        counted = [r for r in self._rows_in("housing-need", target) if r["year"] == year]
        totals = {t: 0 for t in HousingType}
        for row in counted:
            totals[HousingType(row["housingType"])] += row["households"]
        counted_areas = {r["area"] for r in counted}
        computed = {t: 0.0 for t in HousingType}
        for row in self._rows_in("population-forecast", target):
            if row["year"] != year or row["area"] in counted_areas:
                continue
            for (band, kind), rate in self.rates.get(row["importId"], {}).items():
                if band == row["ageBand"]:
                    computed[HousingType(kind)] += row["persons"] * rate
        return {t: totals[t] + round(computed[t]) for t in HousingType}

    def _stock_in(self, target: str) -> list[StockDwelling]:
        if target.startswith("GM"):
            return [d for d in self.dwellings.values() if d.municipality == target]
        return [d for d in self.dwellings.values() if d.wijk == target]

    def gap_row(self, target: str, year: int) -> list[dict[str, Any]]:
        stock = self._stock_in(target)
        programme = self._rows_in("building-programme", target)
        years = sorted({year, *SIDE_BY_SIDE_YEARS})
        needs = {y: self.need(target, y) for y in years}
        rows = []
        for kind in HousingType:
            now = sum(1 for d in stock if d.housing_type is kind)
            cells = {}
            for y in years:
                changes = [r["change"] for r in programme
                           if r["housingType"] == kind and r["year"] <= y]
                delivered = sum(1 for d in stock if d.housing_type is kind and self.delivered(d)
                                and _year(d.first_seen) <= y)
                still_to_build = max(0, sum(c for c in changes if c > 0) - delivered)
                need = needs[y][kind]
                with_programme = now + still_to_build + sum(c for c in changes if c < 0)
                cells[str(y)] = {"need": need, "supplyNow": now,
                                 "supplyWithProgramme": with_programme,
                                 "gap": need - with_programme}
            rows.append({"area": target, "name": self.names.get(target, target),
                         "housingType": str(kind), "year": year, **cells[str(year)],
                         "years": cells})
        return rows

    def housing_gap(self, year: int, level: str = "municipality",
                    area: str | None = None) -> list[dict[str, Any]]:
        return [row for code in self.areas(level, area) for row in self.gap_row(code, year)]

    def sources(self) -> list[dict[str, Any]]:
        seen = {source for by_area in self.figures.values() for source, _ in by_area.values()}
        return [{"kind": s.kind, "source": s.source, "org": s.org, "version": s.version,
                 "importId": s.import_id, "illustrative": s.illustrative}
                for s in sorted(seen, key=lambda s: s.import_id)]

    # --- realisation of the programme -----------------------------------------------------

    def programme_realisation(self, municipality: str | None = None) -> list[dict[str, Any]]:
        planned: dict[tuple[str, int, str], int] = defaultdict(int)
        for code, (_, rows) in self.figures.get("building-programme", {}).items():
            for row in rows:
                if row["change"] > 0:
                    planned[(municipality_of(code), row["year"], row["housingType"])] += \
                        row["change"]
        delivered: dict[tuple[str, int, str], int] = defaultdict(int)
        for d in self.dwellings.values():
            if self.delivered(d):
                delivered[(d.municipality, _year(d.first_seen), str(d.housing_type))] += 1
        keys = sorted(set(planned) | set(delivered))
        return [{"municipality": m, "name": self.names.get(m, m), "year": y,
                 "housingType": t, "planned": planned.get((m, y, t), 0),
                 "delivered": delivered.get((m, y, t), 0)}
                for m, y, t in keys if municipality is None or m == municipality]

    # --- stapeling ------------------------------------------------------------------------

    def threshold_for(self, municipality: str, period: str) -> float | None:
        year = period[:4]
        for label in (period, year):
            for (scope, agreed), (_, threshold, members) in sorted(self.thresholds.items()):
                if agreed == label and municipality in members and threshold is not None:
                    return float(threshold)
        return None

    def stapeling(self, period: str, municipality: str | None = None) -> list[dict[str, Any]]:
        span = Period.parse(period)
        placed = [p for p in self.placements.values() if span.start <= p.on <= span.end]
        municipalities = sorted({d.municipality for d in self.dwellings.values()}
                                | {p.municipality for p in placed})
        rows = []
        for code in municipalities:
            if municipality is None or code == municipality:
                rows += self._stapeling_of(code, period, placed)
        return rows

    def _stapeling_of(self, code: str, period: str,
                      placed: Iterable[Placement]) -> list[dict[str, Any]]:
        stock = Counter(d.wijk or UNKNOWN_WIJK for d in self.dwellings.values()
                        if d.municipality == code)
        here = [p for p in placed if p.municipality == code]
        urgent = Counter(self._wijk_of_placement(p) for p in here)
        care = Counter(self._wijk_of_placement(p) for p in here
                       if p.candidate_id in self.care_candidates)
        threshold = self.threshold_for(code, period)
        rows = []
        for wijk in sorted(set(stock) | set(urgent)):
            stock_share = _share(stock[wijk], stock.total())
            urgent_share = _share(urgent[wijk], urgent.total())
            care_share = _share(care[wijk], care.total())
            ratios = [s / stock_share for s in (urgent_share, care_share)
                      if s is not None and stock_share]
            index = round(max(ratios), 2) if ratios else None
            rows.append({
                "municipality": code, "name": self.names.get(code, code), "wijk": wijk,
                "period": period, "socialStock": stock[wijk],
                "urgentPlacements": urgent[wijk], "careNeedingPlacements": care[wijk],
                "stockShare": _round(stock_share), "urgentShare": _round(urgent_share),
                "careShare": _round(care_share), "index": index, "threshold": threshold,
                "flagged": bool(threshold is not None and index is not None
                                and wijk != UNKNOWN_WIJK and index > threshold),
            })
        return rows


def _year(moment: datetime) -> int:
    return moment.astimezone(AMSTERDAM).year


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
