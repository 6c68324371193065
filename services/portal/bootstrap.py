"""The one place where the portal's adapters are chosen and wired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import httpx

from services.portal.adapters.platform import OrganisationTokens, Platform, TokenSource
from services.portal.adapters.sessions import SessionStore
from services.portal.service.accounts import AccountService
from shared.auth import token_store_for
from shared.db import make_engine
from shared.settings import PortalSettings


@dataclass
class PortalRuntime:
    settings: PortalSettings
    accounts: AccountService
    sessions: SessionStore
    platform: Platform


def person_tokens(settings: PortalSettings) -> TokenSource:
    """How the portal proves to the services who calls: the one switch for person tokens."""
    return OrganisationTokens(token_store_for(settings.auth_db_url()))


def account_service_for(settings: PortalSettings) -> AccountService:
    return AccountService(make_engine(settings.db_url()), settings.lockout_attempts,
                          timedelta(minutes=settings.lockout_minutes))


def session_store_for(settings: PortalSettings) -> SessionStore:
    return SessionStore(make_engine(settings.db_url()),
                        timedelta(minutes=settings.session_idle_minutes),
                        timedelta(hours=settings.session_absolute_hours))


def bootstrap(settings: PortalSettings, *, tokens: TokenSource | None = None,
              transport: httpx.BaseTransport | None = None) -> PortalRuntime:
    return PortalRuntime(
        settings=settings,
        accounts=account_service_for(settings),
        sessions=session_store_for(settings),
        platform=Platform(settings, tokens or person_tokens(settings), transport),
    )
