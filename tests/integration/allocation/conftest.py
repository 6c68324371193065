"""Fixtures of allocation's integration tests: callers of each role, a scenario with its own
municipality code, a seeded database, and allocation workers as real processes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# the scenario and harness are shared with the unit tests of the service layer
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "allocation"))

from allocation_it import WorkerProcesses, fresh_code  # noqa: E402
from allocation_service_helpers import Harness, Scenario  # noqa: E402


@pytest.fixture
def scenario() -> Scenario:
    """Its own municipality code (GM8xxx) and corporation: other tests' messages on the
    shared broker never count towards its numbers."""
    code = fresh_code()
    return Scenario(code=code, corporation=f"corp-{code.lower()}",
                    registrar=f"zorg-{code.lower()}", provider=f"zorg-{code.lower()}")


@pytest.fixture
def seeded(tmp_path):
    """A SQLite database the service layer filled directly (no Kafka): for API-only tests."""
    harness = Harness.create(f"sqlite:///{tmp_path / 'allocation.db'}", tmp_path / "seed")
    yield harness
    harness.close()


@pytest.fixture
def workers(tmp_path, kafka_bootstrap, auth_db_url):
    running = WorkerProcesses(tmp_path, kafka_bootstrap, auth_db_url)
    yield running
    running.stop_all()


@pytest.fixture
def corporation(tokens, scenario):
    return tokens.issue(scenario.corporation, "corporation")


@pytest.fixture
def other_corporation(tokens):
    return tokens.issue("nijestee", "corporation")


@pytest.fixture
def care_provider(tokens, scenario):
    return tokens.issue(scenario.registrar, "care-provider")


@pytest.fixture
def municipality(tokens, scenario):
    return tokens.issue(scenario.code, "municipality")


@pytest.fixture
def admin(tokens):
    return tokens.issue("ops", "admin")
