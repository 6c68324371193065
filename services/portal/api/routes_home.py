"""The start page: who is logged in, and what waits for them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.portal.api.deps import PlatformDep, SessionDep
from services.portal.api.web import render
from services.portal.service.waiting import waiting_for

router = APIRouter(include_in_schema=False)


@router.get("/.well-known/jwks.json")
def jwks(request: Request) -> dict:
    """The portal's public keys: the services verify person tokens with them."""
    return request.app.state.runtime.jwks


@router.get("/", response_class=HTMLResponse)
def start(request: Request, live: SessionDep, platform: PlatformDep):
    notifications = request.app.state.runtime.notifications
    notices = (notifications.for_person(live.identity.org, live.identity.role, limit=20)
               if notifications else [])
    return render(request, "home.html", title="Start",
                  waiting=waiting_for(platform, live.identity), notices=notices)
