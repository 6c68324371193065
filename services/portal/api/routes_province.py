"""The province's pages: the monitor with exact figures and its alerts, and the agreement
editor with a preview of the targets before saving."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.portal.adapters.platform import ApiError, Platform
from services.portal.api.agreement_form import (
    API_FIELDS,
    NO_BASIS,
    full_terms,
    prefilled,
    read_editor,
)
from services.portal.api.deps import FormDep, PlatformDep, role_page
from services.portal.api.forms import FormReader, api_field_errors
from services.portal.api.web import render
from services.portal.auth.identity import Identity
from services.portal.service import province
from services.portal.service.texts import period_choice
from shared.contracts.periods import today_amsterdam
from shared.contracts.vocabulary import PROVINCE_SCOPE, Role

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
    scopes = province.scopes(platform, me)
    scope = request.query_params.get("gebied", PROVINCE_SCOPE)
    scope = scope if scope in scopes else PROVINCE_SCOPE
    in_force = province.agreement_in_force(platform, me, scope, period)
    return _editor(request, me, platform, scope, period, scopes,
                   form=prefilled(in_force, scope, period))


@router.post("/afspraken", response_class=HTMLResponse)
def edit_agreement(request: Request, me: Me, platform: PlatformDep, form: FormDep):
    """The editor's buttons: the preview shows the targets the terms would give, saving
    (confirmed) sets them. The registry computes both, so the preview is what saving sets."""
    scopes = province.scopes(platform, me)
    reader = FormReader(form)
    scope, period, edited = read_editor(reader, scopes)
    terms = _terms_or_error(reader, platform, me, scope, period, edited)
    if not reader.ok:
        return _editor(request, me, platform, scope, period, scopes, form=form,
                       errors=reader.errors, status=422)
    if form.get("actie") != "opslaan":
        return _previewed(request, me, platform, scope, period, scopes, form, terms)
    if not reader.confirmed:
        return render(request, "confirm.html", title="Bevestigen", action=request.url.path,
                      fields=reader.hidden(), back="/provincie/afspraken",
                      question="Wilt u deze afspraak opslaan en bekendmaken?",
                      summary=[("Gebied", scopes[scope]), ("Periode", period),
                               ("Aandeel urgent", edited["urgentShare"]),
                               ("Plafond", edited["capShare"])])
    try:
        province.save_agreement(platform, me, scope, period, terms)
    except ApiError as error:
        return _refused(request, me, platform, scope, period, scopes, form, error)
    query = urlencode({"gebied": scope, "periode": period, "gelukt": "opgeslagen"})
    return RedirectResponse(f"/provincie/afspraken?{query}", status_code=303)


def _terms_or_error(reader: FormReader, platform: Platform, me: Identity, scope: str,
                    period: str, edited: dict) -> dict | None:
    if not reader.ok:
        return None
    in_force = province.agreement_in_force(platform, me, scope, period)
    basis = in_force or province.agreement_in_force(platform, me, PROVINCE_SCOPE, period)
    if basis is None:
        reader.errors["periode"] = NO_BASIS.format(period=period)
        return None
    return full_terms(edited, basis, same_agreement=in_force is not None)


def _previewed(request: Request, me: Identity, platform: Platform, scope: str, period: str,
               scopes: dict, form: dict, terms: dict):
    try:
        preview = province.preview_targets(platform, me, scope, period, terms)
    except ApiError as error:
        return _refused(request, me, platform, scope, period, scopes, form, error)
    return _editor(request, me, platform, scope, period, scopes, form=form, preview=preview)


def _refused(request: Request, me: Identity, platform: Platform, scope: str, period: str,
             scopes: dict, form: dict, error: ApiError):
    return _editor(request, me, platform, scope, period, scopes, form=form, status=422,
                   errors=api_field_errors(error.field_errors(), API_FIELDS),
                   problem=error.detail)


def _editor(request: Request, me: Identity, platform: Platform, scope: str, period: str,
            scopes: dict, *, form: dict, errors: dict | None = None, preview: dict | None = None,
            status: int = 200, problem: str | None = None):
    known = scope in scopes and period_choice(period, today_amsterdam()) == period
    targets = province.agreement(platform, me, scope, period) if known else None
    return render(request, "province/agreement.html", status_code=status, title="Afspraken",
                  period=period, scope_name=scopes.get(scope, scope), targets=targets,
                  scopes=scopes, form=form, errors=errors or {}, problem=problem,
                  comparison=province.compared(targets, preview) if preview else None)
