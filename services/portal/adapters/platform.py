"""The services' HTTP APIs, called on behalf of the logged-in person.

The bearer token comes from one `TokenSource`, so the way the portal proves who calls
(an organisation token now, a signed person token later) is switched in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from threading import Lock

import httpx

from services.portal.auth.identity import Identity
from shared.auth import TokenStore
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


@dataclass
class OrganisationTokens:
    """Interim token source: one organisation token per (org, role), issued by the portal
    into the shared token store, until the services accept signed person tokens."""

    store: TokenStore
    _issued: dict[tuple[str, str], str] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    def __call__(self, identity: Identity) -> str:
        key = (identity.org, str(identity.role))
        with self._lock:
            if key not in self._issued:
                self._issued[key] = self.store.issue(identity.org, identity.role).token
            return self._issued[key]


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
