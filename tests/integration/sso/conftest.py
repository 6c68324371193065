"""Fixtures for single sign-on: a real Keycloak (once per session) and a portal served over HTTP."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from keycloak_provider import LocalKeycloak

from shared.local.broker import free_port
from shared.local.services import SERVICES
from shared.migrations import upgrade
from shared.settings import PortalSettings

REALM_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "oidc" / "woonregie-realm.json"
CLIENT_SECRET = "test-only-client-secret"  # as in the realm file


class RunningKeycloak:
    """A Keycloak already running with the test realm (WOONREGIE_TEST_KEYCLOAK_URL)."""

    def __init__(self, url: str, realm: str):
        self.issuer = f"{url.rstrip('/')}/realms/{realm}"


@pytest.fixture(scope="session")
def keycloak(tmp_path_factory):
    running = os.environ.get("WOONREGIE_TEST_KEYCLOAK_URL")
    if running:  # saves its start (minutes on a busy machine) when iterating
        yield RunningKeycloak(running, "woonregie")
        return
    provider = LocalKeycloak(tmp_path_factory.mktemp("keycloak"), REALM_FILE, "woonregie")
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()


def portal_settings(tmp_path: Path, keycloak: LocalKeycloak, **overrides) -> PortalSettings:
    closed = free_port()  # no service runs: the start page says what it could not fetch
    values = dict(
        data_dir=tmp_path / "portal", database_url=f"sqlite:///{tmp_path / 'portal.db'}",
        auth_database_url=f"sqlite:///{tmp_path / 'auth.db'}", log_json=False,
        platform_urls=",".join(f"{name}=http://127.0.0.1:{closed}"
                               for name in ("registry", "intake", "allocation", "monitoring")),
        oidc_issuer=keycloak.issuer, oidc_client_secret=CLIENT_SECRET,
    )
    return PortalSettings(**{**values, **overrides})


class ServedPortal:
    """The portal app on a real port (uvicorn in a thread), as a browser reaches it."""

    def __init__(self, settings: PortalSettings):
        from services.portal.api.app import create_app

        upgrade(SERVICES["portal"].migrations, settings.db_url())
        self.port = free_port()
        self.app = create_app(settings, with_notifications=False)  # no broker here
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "ServedPortal":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the portal did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def serve_portal(tmp_path, keycloak):
    """Factory: `serve_portal(**setting_overrides)` -> a running ServedPortal."""
    running: list[ServedPortal] = []

    def start(**overrides) -> ServedPortal:
        portal = ServedPortal(portal_settings(tmp_path, keycloak, **overrides)).__enter__()
        running.append(portal)
        return portal

    yield start
    for portal in running:
        portal.__exit__(None, None, None)
