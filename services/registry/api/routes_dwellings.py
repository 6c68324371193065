"""Dwellings: a corporation's own stock, one at a time."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from services.registry.api.deps import BusDep, CorporationDep
from services.registry.api.schemas import (
    MAX_PAGE,
    DwellingIn,
    DwellingOut,
    DwellingPage,
)
from services.registry.domain.dwellings import Upsert
from services.registry.service import commands as c
from shared.api import json_router
from shared.contracts.openapi import BAG_ID

router = json_router(tags=["stock"])
BagId = Annotated[str, Path(alias="bagId", max_length=32,
                            description="BAG verblijfsobject id, 16 digits",
                            json_schema_extra={"pattern": BAG_ID})]


@router.put("/dwellings/{bagId}", response_model=DwellingOut, status_code=200,
            responses={201: {"model": DwellingOut, "description": "created"},
                       403: {"description": "the dwelling belongs to another corporation"}})
def put_dwelling(bag_id: BagId, body: DwellingIn, caller: CorporationDep, bus: BusDep,
                 response: Response):
    """Create or replace one of your dwellings; publishes it when something changed."""
    upserted = bus.handle(c.UpsertDwelling(body.dwelling(bag_id, caller.org)))
    if upserted.kind is Upsert.CREATED:
        response.status_code = 201
    return DwellingOut.of(upserted.dwelling)


@router.get("/dwellings/{bagId}", response_model=DwellingOut,
            responses={404: {"description": "unknown, or another corporation's"}})
def read_dwelling(bag_id: BagId, caller: CorporationDep, bus: BusDep):
    """One of your dwellings."""
    return DwellingOut.of(bus.handle(c.ReadDwelling(caller.org, bag_id)))


@router.get("/dwellings", response_model=DwellingPage)
def list_dwellings(caller: CorporationDep, bus: BusDep,
                   page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
                   page_size: Annotated[int, Query(alias="pageSize", ge=1, le=500)] = 50,
                   municipality: Annotated[str | None, Query(max_length=6)] = None):
    """Your dwellings, by BAG id."""
    result = bus.handle(c.ListDwellings(caller.org, page, page_size, municipality))
    return DwellingPage(items=[DwellingOut.of(d) for d in result.items], page=result.page,
                        page_size=result.page_size, total=result.total)
