"""The registry's domain errors as problem+json answers."""

from __future__ import annotations

from fastapi import FastAPI, Request

from services.registry.domain.errors import (
    Conflict,
    Forbidden,
    ImportRejected,
    InvalidInput,
    NotFound,
)
from shared.problems import Problem, problem_response


def install_registry_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(InvalidInput)
    async def _invalid(request: Request, exc: InvalidInput):
        params = [{"name": e.field, "code": "invalid", "reason": e.message} for e in exc.errors]
        detail = "; ".join(f"{p['name']}: {p['reason']}" for p in params[:5])
        return problem_response(request, Problem(422, detail=detail, invalid_params=params))

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound):
        return problem_response(request, Problem(404, detail=str(exc)))

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden):
        return problem_response(request, Problem(403, detail=str(exc)))

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict):
        return problem_response(request, Problem(409, detail=exc.detail, code=exc.code,
                                                 **exc.extra))

    @app.exception_handler(ImportRejected)
    async def _import(request: Request, exc: ImportRejected):
        return problem_response(request, Problem(
            422, detail=f"{len(exc.errors)} error(s) in the file; nothing was imported.",
            invalid_params=[{"name": f"rows[{e.row}].{e.field}", "code": "invalid",
                             "reason": e.reason} for e in exc.errors],
            errors=[{"row": e.row, "field": e.field, "reason": e.reason} for e in exc.errors],
            rows=exc.rows,
        ))
