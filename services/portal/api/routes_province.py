"""The province's pages: the monitor with exact figures and its alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from services.portal.api.deps import PlatformDep, role_page
from services.portal.api.web import render
from services.portal.auth.identity import Identity
from services.portal.service import province
from services.portal.service.texts import period_choice
from shared.periods import today_amsterdam
from shared.vocabulary import Role

router = APIRouter(prefix="/provincie", include_in_schema=False)
Me = Annotated[Identity, Depends(role_page(Role.PROVINCE))]


@router.get("/monitor", response_class=HTMLResponse)
def monitor(request: Request, me: Me, platform: PlatformDep):
    period = period_choice(request.query_params.get("periode"), today_amsterdam())
    return render(request, "realisation.html", title="Monitor", period=period,
                  report=province.realisation(platform, me, period),
                  alerts=province.alerts(platform, me, period), action="/provincie/monitor")


@router.get("/afspraken", response_class=HTMLResponse)
def agreement(request: Request, me: Me, platform: PlatformDep):
    period = period_choice(request.query_params.get("periode"), today_amsterdam())
    return render(request, "province/agreement.html", title="Afspraken", period=period,
                  targets=province.agreement(platform, me, "province", period))
