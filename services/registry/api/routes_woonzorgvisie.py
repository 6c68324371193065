"""Woonzorgvisie imports (CSV): housing need, population forecast, need rates, building
programme. All rows or none; every error is named by row and column."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel
from starlette.concurrency import run_in_threadpool

from services.registry.api.csv_import import MAX_ROWS
from services.registry.api.deps import BusDep
from services.registry.api.routes_imports import CSV_TYPES
from services.registry.domain.woonzorgvisie import COLUMNS, ImportKind
from services.registry.service.commands import ImportWoonzorgvisie
from shared.auth import Caller, require_roles
from shared.contracts.vocabulary import Role
from shared.csv_files import read_table
from shared.problems import Problem

router = APIRouter(tags=["woonzorgvisie"])
ImporterDep = Annotated[Caller, Depends(require_roles(Role.PROVINCE, Role.MUNICIPALITY))]
SourceQuery = Annotated[str, Query(
    min_length=1, max_length=200,
    description="where the figures come from, e.g. 'Woonbehoefteonderzoek 2025 (ABF)'")]
IllustrativeQuery = Annotated[bool, Query(
    description="true for a made-up example dataset: every page showing it says so")]


class WoonzorgvisieImportOut(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: str
    kind: str
    version: int
    source: str
    rows: int
    areas: list[str]
    rates_import: str | None = None
    illustrative: bool


def _csv_body(kind: ImportKind) -> dict:
    return {"requestBody": {"required": True, "content": {"text/csv": {"schema": {
        "type": "string", "description": f"header row with columns: {', '.join(COLUMNS[kind])}",
    }}}}}


async def _import(request: Request, caller: Caller, bus, kind: ImportKind, source: str,
                  illustrative: bool, rates: str | None = None) -> WoonzorgvisieImportOut:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in CSV_TYPES:
        raise Problem(415, detail=f"send text/csv, not {content_type or 'nothing'}")
    columns = tuple(COLUMNS[kind])
    table = read_table(await request.body(), columns, columns, max_rows=MAX_ROWS)
    header, rows = table.header, table.rows
    cells = tuple((number, dict(zip(header, row)) if len(row) == len(header) else None)
                  for number, row in rows)
    record = await run_in_threadpool(bus.handle, ImportWoonzorgvisie(
        org=caller.org, is_municipality=caller.role == Role.MUNICIPALITY, kind=kind,
        source=source, rows=cells, rates_import=rates, illustrative=illustrative))
    return WoonzorgvisieImportOut(
        id=record.id, kind=str(record.kind), version=record.version, source=record.source,
        rows=len(record.rows), areas=sorted({r["area"] for r in record.rows if "area" in r}),
        rates_import=record.rates_import, illustrative=record.illustrative)


RESPONSES = {422: {"description": "per-row error report (row, column, reason); nothing was "
                                  "imported"}}


@router.post("/housing-need-imports", status_code=201, response_model=WoonzorgvisieImportOut,
             responses=RESPONSES, openapi_extra=_csv_body(ImportKind.HOUSING_NEED))
async def import_housing_need(request: Request, caller: ImporterDep, bus: BusDep,
                              source: SourceQuery, illustrative: IllustrativeQuery = False):
    """Import counted housing need per area, year, target group and housing type."""
    return await _import(request, caller, bus, ImportKind.HOUSING_NEED, source, illustrative)


@router.post("/need-rate-imports", status_code=201, response_model=WoonzorgvisieImportOut,
             responses=RESPONSES, openapi_extra=_csv_body(ImportKind.NEED_RATES))
async def import_need_rates(request: Request, caller: ImporterDep, bus: BusDep,
                            source: SourceQuery, illustrative: IllustrativeQuery = False):
    """Import the share of each age band that needs each housing type."""
    return await _import(request, caller, bus, ImportKind.NEED_RATES, source, illustrative)


@router.post("/population-forecast-imports", status_code=201,
             response_model=WoonzorgvisieImportOut, responses=RESPONSES,
             openapi_extra=_csv_body(ImportKind.POPULATION_FORECAST))
async def import_population_forecast(
    request: Request, caller: ImporterDep, bus: BusDep, source: SourceQuery,
    rates: Annotated[str, Query(description="id of the need-rates import to apply")],
    illustrative: IllustrativeQuery = False,
):
    """Import a population forecast per area, year and age band; need = persons x rate."""
    return await _import(request, caller, bus, ImportKind.POPULATION_FORECAST, source,
                         illustrative, rates)


@router.post("/building-programme-imports", status_code=201,
             response_model=WoonzorgvisieImportOut, responses=RESPONSES,
             openapi_extra=_csv_body(ImportKind.BUILDING_PROGRAMME))
async def import_building_programme(request: Request, caller: ImporterDep, bus: BusDep,
                                    source: SourceQuery, illustrative: IllustrativeQuery = False):
    """Import the building programme: homes added (+) or demolished (-) per area and year."""
    return await _import(request, caller, bus, ImportKind.BUILDING_PROGRAMME, source,
                         illustrative)
