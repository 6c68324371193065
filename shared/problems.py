"""RFC 9457 problem details for every service, with NL API Design Rules' `invalidParams`."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import ServiceError

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"

_TITLES = {
    400: "Ongeldig verzoek", 401: "Niet geauthenticeerd", 403: "Geen toegang",
    404: "Niet gevonden", 405: "Methode niet toegestaan", 406: "Niet aanvaardbaar",
    409: "Conflict", 413: "Verzoek te groot", 415: "Mediatype niet ondersteund",
    422: "Ongeldige invoer", 429: "Te veel verzoeken", 500: "Interne fout",
    503: "Dienst niet beschikbaar",
}


class Problem(Exception):
    """Raise anywhere in a request to answer with a problem+json document."""

    def __init__(self, status: int, title: str | None = None, detail: str | None = None, *,
                 invalid_params: list[dict] | None = None, headers: dict | None = None,
                 **extra):
        super().__init__(detail or title)
        self.status = status
        self.title = title or _TITLES.get(status, "Fout")
        self.detail = detail
        self.invalid_params = invalid_params
        self.headers = headers
        self.extra = extra


def invalid(field: str, reason: str, status: int = 422, code: str = "invalid") -> Problem:
    """A problem naming one input field, as the NL API Design Rules ask."""
    return Problem(status, detail=f"{field}: {reason}",
                   invalid_params=[{"name": field, "code": code, "reason": reason}])


def problem_response(request: Request, problem: Problem) -> JSONResponse:
    body = {
        "type": f"https://woonregie.nl/problems/{problem.status}",
        "title": problem.title,
        "status": problem.status,
        "instance": request.url.path,
    }
    if problem.detail:
        body["detail"] = problem.detail
    if problem.invalid_params:
        body["invalidParams"] = problem.invalid_params
    body.update(problem.extra)
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM_JSON,
                        headers=problem.headers)


def problem_of(error: ServiceError) -> Problem:
    """The same fields for the same kind of error, in every service."""
    return Problem(error.status, detail=error.detail or None,
                   invalid_params=error.invalid_params(), code=error.code, **error.extra)


def _validation_params(exc: RequestValidationError) -> list[dict]:
    params = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part not in ("body",)]
        params.append({
            "name": ".".join(location) or "body",
            "code": error.get("type", "invalid"),
            "reason": error.get("msg", "invalid"),
        })
    return params


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem):
        return problem_response(request, exc)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError):
        return problem_response(request, problem_of(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        params = _validation_params(exc)
        names = ", ".join(p["name"] for p in params[:5])
        return problem_response(request, Problem(422, detail=f"invalid input: {names}",
                                                 invalid_params=params))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else None
        return problem_response(request, Problem(exc.status_code, detail=detail,
                                                 headers=getattr(exc, "headers", None)))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem_response(request, Problem(500, detail="An unexpected error occurred."))
