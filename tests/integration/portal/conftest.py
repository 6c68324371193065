"""Fixtures of the portal's HTTP tests: a portal with accounts of two organisations."""

from __future__ import annotations

import pytest
from portal_helpers import PASSWORD, portal_settings, start_portal

from services.portal.bootstrap import account_service_for


@pytest.fixture
def portal_factory(tmp_path, auth_db_url):
    """Factory: `portal_factory(**setting_overrides, fakes={})` -> a running portal client."""
    clients = []

    def start(fakes: dict | None = None, **overrides):
        settings = portal_settings(tmp_path, auth_db_url, **overrides)
        # these tests have no broker: the notifications consumer is tested with one elsewhere
        client = start_portal(settings, **{"with_notifications": False, **(fakes or {})})
        accounts = account_service_for(settings)
        for email, org, role in (("anna@lefier.nl", "lefier", "corporation"),
                                 ("bert@nijestee.nl", "nijestee", "corporation"),
                                 ("gea@groningen.nl", "GM0014", "municipality")):
            if email not in {a.email for a in accounts.list()}:
                accounts.add(email, org, role, PASSWORD, display_name=email.split("@")[0])
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def portal(portal_factory):
    return portal_factory()
