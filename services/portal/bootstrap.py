"""The one place where the portal's adapters are chosen and wired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import httpx

from services.portal.adapters.platform import Platform, TokenSource
from services.portal.adapters.sessions import SessionStore
from services.portal.notifications import Notifications
from services.portal.service.accounts import AccountService
from shared.db import make_engine
from shared.person_tokens import PersonTokenIssuer
from shared.settings import PortalSettings


@dataclass
class PortalRuntime:
    settings: PortalSettings
    accounts: AccountService
    sessions: SessionStore
    platform: Platform
    notifications: Notifications | None  # None: not consumed by this process (tests)
    jwks: dict  # the public half of the person-token key, served for the services


def person_tokens(issuer: PersonTokenIssuer) -> TokenSource:
    """How the portal proves to the services who calls: a short-lived token signed by the
    portal naming the person, the organisation and the role (shared.person_tokens)."""
    return lambda identity: issuer.issue(identity.subject, identity.email, identity.org,
                                         identity.role)


def account_service_for(settings: PortalSettings) -> AccountService:
    return AccountService(make_engine(settings.db_url()), settings.lockout_attempts,
                          timedelta(minutes=settings.lockout_minutes))


def session_store_for(settings: PortalSettings) -> SessionStore:
    return SessionStore(make_engine(settings.db_url()),
                        timedelta(minutes=settings.session_idle_minutes),
                        timedelta(hours=settings.session_absolute_hours))


def bootstrap(settings: PortalSettings, *, tokens: TokenSource | None = None,
              transport: httpx.BaseTransport | None = None,
              with_notifications: bool = True) -> PortalRuntime:
    issuer = PersonTokenIssuer.from_settings(settings)
    accounts = account_service_for(settings)
    notifications = (Notifications.from_settings(settings, recipients=accounts.emails_of)
                     if with_notifications else None)
    return PortalRuntime(
        settings=settings, jwks=issuer.jwks(), notifications=notifications,
        accounts=accounts,
        sessions=session_store_for(settings),
        platform=Platform(settings, tokens or person_tokens(issuer), transport),
    )
