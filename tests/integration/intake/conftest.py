"""Fixtures of intake's integration tests: a running intake app and callers of each role."""

from __future__ import annotations

import pytest


@pytest.fixture
def intake(service_app):
    return service_app("intake")


@pytest.fixture
def provider(tokens):
    return tokens.issue("Lentis", "care-provider")


@pytest.fixture
def other_provider(tokens):
    return tokens.issue("Leger des Heils", "care-provider")


@pytest.fixture
def care_office(tokens):
    return tokens.issue("Menzis", "care-office")


@pytest.fixture
def municipality(tokens):
    return tokens.issue("GM0014", "municipality")


@pytest.fixture
def other_municipality(tokens):
    return tokens.issue("GM1966", "municipality")


@pytest.fixture
def corporation(tokens):
    return tokens.issue("lefier", "corporation")
