"""Fixtures of monitoring's integration tests: a running monitoring app on the test broker
(alert checks every half second) and callers of each role."""

from __future__ import annotations

import pytest

from monitoring_helpers import Scenario


@pytest.fixture
def monitoring(service_app):
    return service_app("monitoring", alert_check_seconds=0.5)


@pytest.fixture
def scenario() -> Scenario:
    return Scenario()


@pytest.fixture
def province(tokens):
    return tokens.issue("provincie-groningen", "province")


@pytest.fixture
def admin(tokens):
    return tokens.issue("ops", "admin")


@pytest.fixture
def corporation(tokens):
    return tokens.issue("lefier", "corporation")
