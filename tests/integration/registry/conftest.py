"""Fixtures of registry's integration tests: a running registry app and callers of each role."""

from __future__ import annotations

import pytest


@pytest.fixture
def registry(service_app):
    return service_app("registry")


@pytest.fixture
def corporation(tokens):
    return tokens.issue("lefier", "corporation")


@pytest.fixture
def other_corporation(tokens):
    return tokens.issue("nijestee", "corporation")


@pytest.fixture
def admin(tokens):
    return tokens.issue("ops", "admin")


@pytest.fixture
def province(tokens):
    return tokens.issue("provincie-groningen", "province")


@pytest.fixture
def municipality(tokens):
    return tokens.issue("GM0014", "municipality")


@pytest.fixture
def care_provider(tokens):
    return tokens.issue("Lentis", "care-provider")
