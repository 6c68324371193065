"""Placements: move-ins of urgent candidates through the platform."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from services.allocation.api.deps import BusDep, ReaderDep
from services.allocation.api.schemas import MAX_PAGE, PlacementOut, PlacementPage
from services.allocation.service import commands as c
from shared.api import json_router

router = json_router(tags=["placements"])
PlacementId = Annotated[str, Path(alias="id", max_length=64, description="the placement id")]


@router.get("/placements", response_model=PlacementPage)
def list_placements(caller: ReaderDep, bus: BusDep,
                    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
                    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=500)] = 50):
    """Placements within your organisation, latest move-in first."""
    result = bus.handle(c.ListPlacements(caller, page, page_size))
    return PlacementPage(items=[PlacementOut.of(r) for r in result.items], page=result.page,
                         page_size=result.page_size, total=result.total)


@router.get("/placements/{id}", response_model=PlacementOut,
            responses={404: {"description": "unknown, or outside your organisation"}})
def read_placement(placement_id: PlacementId, caller: ReaderDep, bus: BusDep):
    """One placement."""
    return PlacementOut.of(bus.handle(c.ReadPlacement(caller, placement_id)))
