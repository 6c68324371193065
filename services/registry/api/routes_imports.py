"""CSV import of dwellings for corporations without an integration."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from services.registry.api.csv_import import COLUMNS, parse_dwellings_csv
from services.registry.api.deps import BusDep, CorporationDep
from services.registry.api.schemas import ImportedRow, ImportOut
from services.registry.domain.dwellings import Upsert
from services.registry.service.commands import ImportDwellings
from shared.contracts.openapi import ENFORCED
from shared.problems import Problem

router = APIRouter(tags=["stock"])
CSV_TYPES = ("text/csv", "application/csv")


@router.post(
    "/dwelling-imports", status_code=201, response_model=ImportOut,
    responses={422: {"description": "per-row error report; nothing was imported"}},
    openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {
        "type": "string", "description": f"header row with columns: {', '.join(COLUMNS)}",
        "minLength": 1, ENFORCED: "the header row names known columns, the required ones "
                                   "among them; every row valid (CSV is beyond JSON Schema)",
    }}}}},
)
async def import_dwellings(request: Request, caller: CorporationDep, bus: BusDep):
    """Create or replace many of your dwellings from a CSV file: all rows, or none and an
    error per row."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in CSV_TYPES:
        raise Problem(415, detail=f"send text/csv, not {content_type or 'nothing'}")
    rows = parse_dwellings_csv(await request.body(), caller.org)
    report = await run_in_threadpool(bus.handle, ImportDwellings(caller.org, rows))
    kinds = [upserted.kind for _, upserted in report]
    return ImportOut(
        imported=len(report), created=kinds.count(Upsert.CREATED),
        updated=kinds.count(Upsert.UPDATED), unchanged=kinds.count(Upsert.UNCHANGED),
        rows=[ImportedRow(row=number, bag_id=u.dwelling.bag_id, result=str(u.kind))
              for number, u in report],
    )
