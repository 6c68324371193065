"""Turning the service layer's replies into HTTP responses."""

from __future__ import annotations

from fastapi import Response
from fastapi.responses import JSONResponse

from services.intake.service.handlers import Reply
from shared.api import PREFIX


def respond(reply: Reply, *, location_of_id: bool = False) -> Response:
    if reply.body is None:
        return Response(status_code=reply.status)
    headers = {}
    if reply.replayed:
        headers["Idempotent-Replayed"] = "true"
    if location_of_id and reply.status == 201:
        headers["Location"] = f"{PREFIX}/candidates/{reply.body['id']}"
    return JSONResponse(reply.body, status_code=reply.status, headers=headers)
