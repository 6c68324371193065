"""Dependencies of the portal's pages: the session, the CSRF check, the platform client."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request

from services.portal.adapters.platform import Platform
from services.portal.adapters.sessions import PortalSession
from services.portal.api.web import LoginRequired, PageError
from services.portal.auth.identity import SESSION_COOKIE, Identity
from shared.contracts.vocabulary import Role

CSRF_FIELD = "csrf_token"
CSRF_REFUSED = PageError(
    403, "Formulier niet geaccepteerd",
    "Dit formulier is verlopen of kwam niet van deze pagina. Er is niets gewijzigd. "
    "Ga terug, laad de pagina opnieuw en probeer het nog eens.",
)


def current_session(request: Request) -> PortalSession:
    token = request.cookies.get(SESSION_COOKIE)
    live = request.app.state.sessions.resume(token) if token else None
    if live is None:
        raise LoginRequired()
    request.state.portal_session = live
    return live


SessionDep = Annotated[PortalSession, Depends(current_session)]


def same_token(sent: object, expected: str | None) -> bool:
    return isinstance(sent, str) and bool(expected) and secrets.compare_digest(sent, expected)


async def checked_form(request: Request, live: SessionDep) -> dict[str, str]:
    """The posted form, after its CSRF token matched the session's; else a 403 page."""
    form = await request.form()
    if not same_token(form.get(CSRF_FIELD), live.csrf_token):
        raise CSRF_REFUSED
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormDep = Annotated[dict[str, str], Depends(checked_form)]


def platform_of(request: Request) -> Platform:
    return request.app.state.platform


PlatformDep = Annotated[Platform, Depends(platform_of)]


def role_page(*roles: Role):
    """Dependency factory: the identity of a session whose role may see the page."""

    def dependency(live: SessionDep) -> Identity:
        if live.identity.role not in roles:
            raise PageError(403, "Geen toegang",
                            "Deze pagina is niet voor uw rol. Ga naar de startpagina.")
        return live.identity

    return dependency
