"""Reference data: provinces, woondeal regions, municipalities, corporations, care providers.

The figures live in `reference_data.json` next to this module (data, not code). This module
only loads and checks them and answers scope questions.

A woondeal region is NOT assumed to lie in one province: a region lists the provinces it
touches (Groningen-Assen also holds Drenthe municipalities) and the municipalities of a region
are those whose `region` points at it. The platform's scope is the municipalities in the data
set; region members outside that scope are kept for documentation only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from shared.contracts.vocabulary import PROVINCE_SCOPE, is_cbs_code

REFERENCE_DATA_PATH = Path(__file__).with_name("reference_data.json")


class ReferenceDataError(ValueError):
    """The reference data file is malformed; `field` names the offending place."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class UnknownScopeError(LookupError):
    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(f"unknown scope {scope!r}: use 'province', a province id, a region id "
                         "or a CBS code")


@dataclass(frozen=True)
class Province:
    id: str  # CBS province code, e.g. "PV20"
    name: str
    scope: str  # the scope id used in agreements and monitoring, e.g. "province"


@dataclass(frozen=True)
class OutsideMember:
    code: str
    name: str
    province: str


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    provinces: tuple[str, ...]
    members_outside_scope: tuple[OutsideMember, ...] = ()

    @property
    def crosses_provinces(self) -> bool:
        return len(self.provinces) > 1


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    population: int
    region: str
    province: str


@dataclass(frozen=True)
class Corporation:
    id: str
    name: str


@dataclass(frozen=True)
class CareProvider:
    id: str
    name: str
    kind: str
    municipalities: tuple[str, ...]
    demo: bool = True


@dataclass(frozen=True)
class ReferenceData:
    version: str
    population_date: str
    provinces: tuple[Province, ...]
    regions: tuple[Region, ...]
    municipalities: tuple[Municipality, ...]
    corporations: tuple[Corporation, ...]
    care_providers: tuple[CareProvider, ...]

    # --- lookups -------------------------------------------------------------------------

    def municipality(self, code: str) -> Municipality:
        for item in self.municipalities:
            if item.code == code:
                return item
        raise KeyError(code)

    def has_municipality(self, code: str) -> bool:
        return any(item.code == code for item in self.municipalities)

    def region(self, region_id: str) -> Region:
        for item in self.regions:
            if item.id == region_id:
                return item
        raise KeyError(region_id)

    def province(self, province_id: str) -> Province:
        for item in self.provinces:
            if item.id == province_id or item.scope == province_id:
                return item
        raise KeyError(province_id)

    def corporation(self, corporation_id: str) -> Corporation:
        for item in self.corporations:
            if item.id == corporation_id:
                return item
        raise KeyError(corporation_id)

    def municipality_codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.municipalities)

    def is_scope(self, scope: str) -> bool:
        try:
            self.municipalities_in_scope(scope)
        except UnknownScopeError:
            return False
        return True

    def municipalities_in_scope(self, scope: str) -> tuple[Municipality, ...]:
        """`province` (or a province id such as PV20), a region id, or a CBS code."""
        for province in self.provinces:
            if scope in (province.scope, province.id):
                return tuple(m for m in self.municipalities if m.province == province.id)
        for region in self.regions:
            if scope == region.id:
                return tuple(m for m in self.municipalities if m.region == region.id)
        for item in self.municipalities:
            if item.code == scope:
                return (item,)
        raise UnknownScopeError(scope)

    def care_providers_for(self, code: str) -> tuple[str, ...]:
        """Ids of the care providers offering ambulant support in a municipality."""
        return tuple(sorted(p.id for p in self.care_providers if code in p.municipalities))

    def municipality_upserted_data(self, code: str) -> dict[str, Any]:
        """Wire data (camelCase) of a `registry.municipality-upserted` event."""
        item = self.municipality(code)
        return {
            "code": item.code,
            "name": item.name,
            "region": item.region,
            "province": item.province,
            "population": item.population,
            "careProviders": list(self.care_providers_for(code)),
        }


# --- loading ------------------------------------------------------------------------------


def _require(mapping: Mapping[str, Any], key: str, where: str, kind: type | tuple) -> Any:
    if not isinstance(mapping, Mapping):
        raise ReferenceDataError(where, "must be an object")
    if key not in mapping:
        raise ReferenceDataError(f"{where}.{key}", "missing")
    value = mapping[key]
    if kind is int and isinstance(value, bool):
        raise ReferenceDataError(f"{where}.{key}", "must be an integer")
    if not isinstance(value, kind):
        raise ReferenceDataError(f"{where}.{key}", f"has the wrong type {type(value).__name__}")
    return value


def _unique(ids: list[str], where: str) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise ReferenceDataError(where, f"duplicate id {value!r}")
        seen.add(value)


def parse_reference_data(raw: Mapping[str, Any]) -> ReferenceData:
    """Check and convert the JSON structure; raises ReferenceDataError naming the field."""
    if not isinstance(raw, Mapping):
        raise ReferenceDataError("$", "must be an object")
    provinces = tuple(
        Province(
            id=_require(p, "id", f"provinces[{i}]", str),
            name=_require(p, "name", f"provinces[{i}]", str),
            scope=_require(p, "scope", f"provinces[{i}]", str),
        )
        for i, p in enumerate(_require(raw, "provinces", "$", list))
    )
    regions = tuple(
        Region(
            id=_require(r, "id", f"regions[{i}]", str),
            name=_require(r, "name", f"regions[{i}]", str),
            provinces=tuple(_require(r, "provinces", f"regions[{i}]", list)),
            members_outside_scope=tuple(
                OutsideMember(
                    code=_require(o, "code", f"regions[{i}].membersOutsideScope[{j}]", str),
                    name=_require(o, "name", f"regions[{i}].membersOutsideScope[{j}]", str),
                    province=_require(o, "province", f"regions[{i}].membersOutsideScope[{j}]",
                                      str),
                )
                for j, o in enumerate(r.get("membersOutsideScope", []))
            ),
        )
        for i, r in enumerate(_require(raw, "regions", "$", list))
    )
    municipalities = tuple(
        Municipality(
            code=_require(m, "code", f"municipalities[{i}]", str),
            name=_require(m, "name", f"municipalities[{i}]", str),
            population=_require(m, "population", f"municipalities[{i}]", int),
            region=_require(m, "region", f"municipalities[{i}]", str),
            province=_require(m, "province", f"municipalities[{i}]", str),
        )
        for i, m in enumerate(_require(raw, "municipalities", "$", list))
    )
    corporations = tuple(
        Corporation(
            id=_require(c, "id", f"corporations[{i}]", str),
            name=_require(c, "name", f"corporations[{i}]", str),
        )
        for i, c in enumerate(_require(raw, "corporations", "$", list))
    )
    care_providers = tuple(
        CareProvider(
            id=_require(c, "id", f"careProviders[{i}]", str),
            name=_require(c, "name", f"careProviders[{i}]", str),
            kind=_require(c, "kind", f"careProviders[{i}]", str),
            municipalities=tuple(_require(c, "municipalities", f"careProviders[{i}]", list)),
            demo=bool(c.get("demo", True)),
        )
        for i, c in enumerate(raw.get("careProviders", []))
    )

    _unique([p.id for p in provinces], "provinces")
    _unique([p.scope for p in provinces], "provinces.scope")
    _unique([r.id for r in regions], "regions")
    _unique([m.code for m in municipalities], "municipalities")
    _unique([c.id for c in corporations], "corporations")
    _unique([c.id for c in care_providers], "careProviders")

    province_ids = {p.id for p in provinces}
    region_ids = {r.id for r in regions}
    codes = {m.code for m in municipalities}
    if codes & region_ids or codes & province_ids or region_ids & province_ids:
        raise ReferenceDataError("$", "province, region and municipality ids must not collide")
    if not any(p.scope == PROVINCE_SCOPE for p in provinces):
        raise ReferenceDataError("provinces", f"one province must have scope {PROVINCE_SCOPE!r}")
    for i, m in enumerate(municipalities):
        where = f"municipalities[{i}]"
        if not is_cbs_code(m.code):
            raise ReferenceDataError(f"{where}.code", f"{m.code!r} is not a CBS code GM0000")
        if m.population < 0:
            raise ReferenceDataError(f"{where}.population", "must not be negative")
        if m.region not in region_ids:
            raise ReferenceDataError(f"{where}.region", f"unknown region {m.region!r}")
        if m.province not in province_ids:
            raise ReferenceDataError(f"{where}.province", f"unknown province {m.province!r}")
        region = next(r for r in regions if r.id == m.region)
        if m.province not in region.provinces:
            raise ReferenceDataError(
                f"{where}.province", f"region {region.id!r} does not list province {m.province!r}"
            )
    for i, r in enumerate(regions):
        for j, member in enumerate(r.members_outside_scope):
            if not is_cbs_code(member.code):
                raise ReferenceDataError(f"regions[{i}].membersOutsideScope[{j}].code",
                                         f"{member.code!r} is not a CBS code")
            if member.code in codes:
                raise ReferenceDataError(f"regions[{i}].membersOutsideScope[{j}].code",
                                         f"{member.code} is in scope")
    for i, c in enumerate(care_providers):
        for code in c.municipalities:
            if code not in codes:
                raise ReferenceDataError(f"careProviders[{i}].municipalities",
                                         f"unknown municipality {code!r}")

    return ReferenceData(
        version=str(raw.get("version", "")),
        population_date=str(raw.get("populationDate", "")),
        provinces=provinces,
        regions=regions,
        municipalities=municipalities,
        corporations=corporations,
        care_providers=care_providers,
    )


def load_reference_data(path: str | Path | None = None) -> ReferenceData:
    """Load reference data from `path` (default: the bundled reference_data.json)."""
    if path is None:
        return default_reference_data()
    return _load(Path(path))


@lru_cache(maxsize=1)
def default_reference_data() -> ReferenceData:
    return _load(REFERENCE_DATA_PATH)


def _load(path: Path) -> ReferenceData:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ReferenceDataError("$", f"not valid JSON: {exc}") from exc
    return parse_reference_data(raw)
