"""The seam between a way of logging in (local password, OIDC) and the portal's session.

Whoever has established who a person is builds an `Identity` and calls `sign_in`; from then on
the portal knows only the session, never how the person logged in.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from shared.contracts.vocabulary import Role

START_PAGE = "/"


@dataclass(frozen=True)
class Identity:
    subject: str
    email: str
    display_name: str
    org: str
    role: Role
    source: str  # "local" | "oidc"


def sign_in(request: Request, identity: Identity) -> Response:
    """Start a fresh session for `identity` and send the browser to the start page."""
    sessions = request.app.state.sessions
    token = sessions.start(identity)
    response = RedirectResponse(START_PAGE, status_code=303)
    set_session_cookie(response, request.app.state.settings, token)
    return response


SESSION_COOKIE = "woonregie_sessie"


def set_session_cookie(response: Response, settings, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.cookie_secure,
        path="/", max_age=settings.session_absolute_hours * 3600,
    )


def clear_session_cookie(response: Response, settings) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=settings.cookie_secure)
