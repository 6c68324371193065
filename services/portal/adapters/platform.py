"""The services' HTTP APIs, called on behalf of the logged-in person.

The bearer token comes from one `TokenSource` (bootstrap.person_tokens): a person token,
short-lived and signed by the portal, so each service knows which person acts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from services.portal.auth.identity import Identity
from shared.settings import PortalSettings

TokenSource = Callable[[Identity], str]


class ServiceUnavailable(Exception):
    """A service did not answer; the page says so instead of failing."""


@dataclass
class ApiError(Exception):
    """A service refused: its problem document, for errors beside the fields."""

    status: int
    problem: dict

    @property
    def detail(self) -> str:
        return str(self.problem.get("detail") or self.problem.get("title") or self.status)

    def field_errors(self) -> dict[str, str]:
        return {str(p.get("name")): str(p.get("reason")) for p in
                self.problem.get("invalidParams") or []}


class Platform:
    def __init__(self, settings: PortalSettings, tokens: TokenSource,
                 transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self.tokens = tokens
        self.transport = transport

    def call(self, identity: Identity, service: str, method: str, path: str, *,
             params: dict | None = None, json: object = None, content: bytes | None = None,
             content_type: str | None = None) -> object:
        headers = {"Authorization": f"Bearer {self.tokens(identity)}"}
        if content_type:
            headers["Content-Type"] = content_type
        url = f"{self.settings.service_url(service)}/v1{path}"
        try:
            with httpx.Client(timeout=15, transport=self.transport) as client:
                response = client.request(method, url, params=_clean(params), json=json,
                                          content=content, headers=headers)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(service) from exc
        if response.status_code >= 500:
            raise ServiceUnavailable(service)
        if response.status_code >= 400:
            raise ApiError(response.status_code, _problem(response))
        return response.json() if response.content else None

    def get(self, identity: Identity, service: str, path: str, **params) -> object:
        return self.call(identity, service, "GET", path, params=params)


def _clean(params: dict | None) -> dict | None:
    return {k: v for k, v in params.items() if v not in (None, "")} if params else None


def _problem(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {"status": response.status_code}
    return body if isinstance(body, dict) else {"status": response.status_code}
