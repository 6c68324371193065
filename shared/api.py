"""The FastAPI basics every service shares (NL API Design Rules, problem+json, health).

- every path under `/v1`, OpenAPI at `/v1/openapi.json`, no trailing-slash redirects;
- an `API-Version` header on every response;
- bodies over `max_body_bytes` refused with 413, non-JSON bodies on JSON routes with 415;
- tracing of every request; background workers (the outbox relay) started with the app.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.auth import token_store_for
from shared.logs import setup_logging
from shared.contracts.openapi import service_openapi
from shared.problems import PROBLEM_JSON, Problem, install_problem_handlers
from shared.settings import WoonregieSettings
from shared.telemetry import setup_telemetry

API_VERSION = "1.0.0"
PREFIX = "/v1"
JSON_TYPES = ("application/json", "application/merge-patch+json")


class Lifecycle:
    """Something that runs beside the API: started with the app, stopped with it."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


def require_json(request: Request) -> None:
    """Dependency for JSON routes: a body must be declared JSON, else 415."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not content_type and request.headers.get("content-length", "0") == "0":
        return
    if content_type not in JSON_TYPES and not content_type.endswith("+json"):
        raise Problem(415, detail=f"send application/json, not {content_type or 'nothing'}")


JsonBody = Depends(require_json)


def json_router(**kwargs) -> APIRouter:
    """A router whose write routes take JSON bodies only."""
    return APIRouter(dependencies=[JsonBody], **kwargs)


class BodyLimit:
    """ASGI middleware: refuse request bodies over `limit` bytes with a 413 problem."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await self._refuse(scope, send)
        if declared is None:  # chunked: read it all first, so no body parser sees the excess
            messages = await self._read_up_to_limit(receive)
            if messages is None:
                return await self._refuse(scope, send)
            receive = _replay(messages, receive)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await self._refuse(scope, send)

    async def _read_up_to_limit(self, receive: Receive) -> list[dict] | None:
        """The request's body messages, or None once they pass the limit."""
        messages, seen = [], 0
        while True:
            message = await receive()
            messages.append(message)
            seen += len(message.get("body", b""))
            if seen > self.limit:
                return None
            if message["type"] != "http.request" or not message.get("more_body"):
                return messages

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body = json.dumps({
            "type": "https://woonregie.nl/problems/413", "title": "Verzoek te groot",
            "status": 413, "detail": f"the body may be at most {self.limit} bytes",
            "instance": scope.get("path"),
        }).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", PROBLEM_JSON.encode()), (b"api-version", API_VERSION.encode()),
            (b"content-length", str(len(body)).encode()),
        ]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


def _replay(messages: list[dict], receive: Receive) -> Receive:
    """A receive that hands out `messages` first, then what the server sends next
    (a disconnect)."""
    pending = list(messages)

    async def replay() -> dict:
        return pending.pop(0) if pending else await receive()

    return replay


class ApiVersionHeader:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_version(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (b"api-version", API_VERSION.encode())
                ]
            await send(message)

        await self.app(scope, receive, send_with_version)


def create_service_app(
    settings: WoonregieSettings,
    *,
    title: str,
    description: str,
    routers: Iterable[APIRouter],
    lifecycles: Callable[[FastAPI], Iterable[Lifecycle]] = lambda app: (),
    root_routers: Iterable[APIRouter] = (),
) -> FastAPI:
    setup_logging(settings.log_level, settings.log_json)
    setup_telemetry(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        running = list(lifecycles(app))
        for item in running:
            item.start()
        try:
            yield
        finally:
            for item in reversed(running):
                item.stop()

    app = FastAPI(
        title=title, description=description, version=API_VERSION,
        openapi_url=f"{PREFIX}/openapi.json", docs_url=f"{PREFIX}/docs", redoc_url=None,
        redirect_slashes=False, lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.token_store = token_store_for(settings.auth_db_url())
    install_problem_handlers(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(ApiVersionHeader)
    app.include_router(_health_router(settings.service_name), prefix=PREFIX)
    for router in routers:
        app.include_router(router, prefix=PREFIX)
    for router in root_routers:
        app.include_router(router)
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health,metrics")
    app.openapi = lambda: service_openapi(app)  # NL API Design Rules: shared/contracts/openapi.py
    return app


def _health_router(service: str) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health")
    def health() -> dict:
        """Liveness: the service answers."""
        return {"status": "ok", "service": service}

    return router


def settings_of(request: Request) -> WoonregieSettings:
    return request.app.state.settings


SettingsDep = Annotated[WoonregieSettings, Depends(settings_of)]
