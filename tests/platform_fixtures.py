"""Fixtures for driving a service through its real entry points.

`service_app("registry")` gives a TestClient (lifespan running: outbox relay and consumers
on the test broker) of a service with a fresh database; `tokens.issue(org, role)` gives a
bearer header. `database_url` is a fresh SQLite file, or with `postgres` a fresh database on
the PostgreSQL server named by WOONREGIE_TEST_POSTGRES_URL (.ci/run starts one).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from shared.auth import TokenStore
from shared.db import make_engine
from shared.local.services import SERVICES
from shared.migrations import upgrade

POSTGRES_URL = os.environ.get("WOONREGIE_TEST_POSTGRES_URL")


class Tokens:
    def __init__(self, url: str):
        self.store = TokenStore(make_engine(url))

    def issue(self, org: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.store.issue(org, role).token}"}


@pytest.fixture
def auth_db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'auth.db'}"


@pytest.fixture
def tokens(auth_db_url) -> Tokens:
    return Tokens(auth_db_url)


def fresh_postgres_database() -> str:
    """Create an empty database on the test server and return its URL."""
    name = f"wr_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    """A fresh, empty database: SQLite, and PostgreSQL when a test server is configured."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'service.db'}"
    if not POSTGRES_URL:
        pytest.skip("WOONREGIE_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    return fresh_postgres_database()


def service_settings(name: str, tmp_path, kafka_bootstrap: str, auth_db_url: str,
                     database_url: str | None = None, **overrides):
    spec = SERVICES[name]
    return spec.settings_class(
        data_dir=tmp_path / name,
        database_url=database_url or f"sqlite:///{tmp_path / f'{name}.db'}",
        auth_database_url=auth_db_url,
        kafka_bootstrap=kafka_bootstrap,
        outbox_poll_seconds=0.05,
        log_json=False,
        **overrides,
    )


@pytest.fixture
def service_app(tmp_path, kafka_bootstrap, auth_db_url):
    """Factory: `service_app("intake", **setting_overrides)` -> a running TestClient."""
    clients: list[TestClient] = []

    def start(name: str, database_url: str | None = None, **overrides) -> TestClient:
        import importlib

        settings = service_settings(name, tmp_path, kafka_bootstrap, auth_db_url,
                                    database_url, **overrides)
        upgrade(SERVICES[name].migrations, settings.db_url())
        module = importlib.import_module(SERVICES[name].api_factory.split(":")[0])
        client = TestClient(module.create_app(settings), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)



@pytest.fixture(scope="module")
def own_broker(tmp_path_factory):
    """A broker of the test module's own, with every registry topic: for tests that compare
    everything on the topics (a rebuild from offset 0), which other tests' messages on the
    session broker would disturb."""
    from shared.local.broker import LocalBroker
    from shared.messaging.kafka_admin import ensure_topics

    broker = LocalBroker(tmp_path_factory.mktemp("own-kafka"))
    broker.start()
    try:
        ensure_topics(broker.bootstrap)
        yield broker.bootstrap
    finally:
        broker.stop()
