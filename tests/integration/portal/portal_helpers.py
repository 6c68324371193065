"""Driving the portal through HTTP as a browser would: log in, read the CSRF token, post."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

from services.portal.api.app import create_app
from shared.local.services import SERVICES
from shared.migrations import upgrade
from shared.settings import PortalSettings

PASSWORD = "een-lang-wachtwoord-1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def portal_settings(tmp_path, auth_db_url: str, **overrides) -> PortalSettings:
    values = dict(
        data_dir=tmp_path / "portal", database_url=f"sqlite:///{tmp_path / 'portal.db'}",
        auth_database_url=auth_db_url, log_json=False,
        # nothing listens on port 9: a service that does not answer
        platform_urls="registry=http://127.0.0.1:9,intake=http://127.0.0.1:9,"
                      "allocation=http://127.0.0.1:9,monitoring=http://127.0.0.1:9",
    )
    values.update(overrides)
    return PortalSettings(**values)


def start_portal(settings: PortalSettings, **fakes) -> TestClient:
    upgrade(SERVICES["portal"].migrations, settings.db_url())
    client = TestClient(create_app(settings, **fakes), raise_server_exceptions=False,
                        follow_redirects=False)
    client.__enter__()
    return client


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def log_in(client: TestClient, email: str, password: str = PASSWORD):
    token = csrf_of(client.get("/inloggen").text)
    return client.post("/inloggen", data={"email": email, "password": password,
                                          "csrf_token": token})


def post_form(client: TestClient, page: str, action: str, data: dict, confirm: bool = True):
    """Post a form the way the page does it: with the page's CSRF token, confirmed."""
    token = csrf_of(client.get(page).text)
    fields = {**data, "csrf_token": token}
    if confirm:
        fields["bevestigd"] = "ja"
    return client.post(action, data=fields)


class ServiceApps(httpx.BaseTransport):
    """The portal's HTTP calls, delivered to the services' real apps by host name
    (http://registry/v1/... goes to the registry's TestClient)."""

    def __init__(self, **clients: TestClient):
        self.clients = clients

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.clients[request.url.host]._transport.handle_request(request)

    @staticmethod
    def urls(*names: str) -> str:
        return ",".join(f"{name}=http://{name}" for name in names)
