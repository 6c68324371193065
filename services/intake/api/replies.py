"""Turning the service layer's results into HTTP responses: the only place where a result
becomes a status code."""

from __future__ import annotations

from fastapi import Response
from fastapi.responses import JSONResponse

from services.intake.service.handlers import Created, Done, Found, Result
from shared.api import PREFIX
from shared.pagination import Page


def respond(result: Result | Page[dict], *, location_of_id: bool = False) -> Response:
    if isinstance(result, Page):
        return JSONResponse({"items": result.items, "page": result.page,
                             "pageSize": result.page_size, "total": result.total})
    if isinstance(result, Done):
        return Response(status_code=204)
    if isinstance(result, Found):
        return JSONResponse(result.body, status_code=200)
    assert isinstance(result, Created)
    headers = {}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    if location_of_id:
        headers["Location"] = f"{PREFIX}/candidates/{result.body['id']}"
    return JSONResponse(result.body, status_code=201, headers=headers)
