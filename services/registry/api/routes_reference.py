"""Reference data: municipalities (changeable by the admin), regions, corporations.

Readable by every authenticated organisation: the platform has no anonymous callers.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from services.registry.api.deps import AdminDep, AnyRoleDep, BusDep, ReferenceDep
from services.registry.api.schemas import (
    CorporationOut,
    MunicipalityIn,
    MunicipalityOut,
    RegionOut,
)
from services.registry.service import commands as c
from shared.api import json_router
from shared.contracts.openapi import CBS_CODE

router = json_router(tags=["reference data"])
Code = Annotated[str, Path(max_length=12, description="CBS code, e.g. GM0014",
                           json_schema_extra={"pattern": CBS_CODE})]


@router.get("/municipalities", response_model=list[MunicipalityOut])
def list_municipalities(caller: AnyRoleDep, bus: BusDep,
                        region: Annotated[str | None, Query(max_length=60)] = None):
    """The municipalities in scope: code, name, region, population, care coverage."""
    return [MunicipalityOut.of(m) for m in bus.handle(c.ListMunicipalities(region))]


@router.get("/municipalities/{code}", response_model=MunicipalityOut,
            responses={404: {"description": "not a municipality of the registry"}})
def read_municipality(code: Code, caller: AnyRoleDep, bus: BusDep):
    """One municipality."""
    return MunicipalityOut.of(bus.handle(c.ReadMunicipality(code)))


@router.put("/municipalities/{code}", response_model=MunicipalityOut,
            responses={404: {"description": "not a municipality of the registry"}})
def change_municipality(code: Code, body: MunicipalityIn, caller: AdminDep, bus: BusDep):
    """Change population, region or care providers (admin); publishes it when changed."""
    record, _changed = bus.handle(c.ChangeMunicipality(
        code=code, region=body.region, population=body.population,
        care_providers=tuple(body.care_providers), name=body.name))
    return MunicipalityOut.of(record)


@router.get("/regions", response_model=list[RegionOut])
def list_regions(caller: AnyRoleDep, bus: BusDep, reference: ReferenceDep):
    """Woondeal regions (agreement scopes) with their municipalities in scope."""
    municipalities = bus.handle(c.ListMunicipalities())
    return [RegionOut(id=r.id, name=r.name, provinces=list(r.provinces),
                      municipalities=[m.code for m in municipalities if m.region == r.id])
            for r in reference.regions]


@router.get("/corporations", response_model=list[CorporationOut])
def list_corporations(caller: AnyRoleDep, reference: ReferenceDep):
    """Housing corporations active in the province (their ids are their token orgs)."""
    return [CorporationOut(id=x.id, name=x.name) for x in reference.corporations]
