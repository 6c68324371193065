"""CSV import of candidates for organisations without an integration."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from services.intake.api.csv_import import COLUMNS, parse_candidates_csv
from services.intake.api.deps import BusDep, IdempotencyKey, RegistrarDep
from services.intake.api.replies import respond
from services.intake.api.schemas import ImportOut
from services.intake.service.commands import ImportCandidates
from shared.contracts.openapi import ENFORCED
from shared.problems import Problem

router = APIRouter(tags=["candidates"])
CSV_TYPES = ("text/csv", "application/csv")


@router.post(
    "/candidate-imports", status_code=201, response_model=ImportOut,
    responses={422: {"description": "per-row error report; nothing was imported"}},
    openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {
        "type": "string", "description": f"header row with columns: {', '.join(COLUMNS)}",
        "minLength": 1, ENFORCED: "the header row names known columns, the required ones "
                                   "among them; every row valid (CSV is beyond JSON Schema)",
    }}}}},
)
async def import_candidates(request: Request, caller: RegistrarDep, bus: BusDep,
                            idempotency_key: IdempotencyKey = None):
    """Register many candidates from a CSV file: all rows, or none and an error per row."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in CSV_TYPES:
        raise Problem(415, detail=f"send text/csv, not {content_type or 'nothing'}")
    raw = await request.body()
    rows = parse_candidates_csv(raw)
    command = ImportCandidates(caller, rows, idempotency_key,
                               fingerprint_source=raw.decode("utf-8-sig"))
    return respond(await run_in_threadpool(bus.handle, command))
