"""A municipality's pages: urgency decisions waiting or expiring, and realisation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.portal.adapters.platform import ApiError
from services.portal.api.deps import FormDep, PlatformDep, role_page
from services.portal.api.forms import FormReader, api_field_errors
from services.portal.api.web import PageError, render
from services.portal.auth.identity import Identity
from services.portal.service import municipality as gm
from services.portal.service.listing import page_number, paged, search_text
from services.portal.service.texts import (
    REVOCATION_REASONS,
    TARGET_GROUPS,
    period_choice,
)
from shared.contracts.periods import today_amsterdam
from shared.contracts.vocabulary import Role

router = APIRouter(prefix="/gemeente", include_in_schema=False)
Me = Annotated[Identity, Depends(role_page(Role.MUNICIPALITY))]
CandidateId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
DECISIONS = {"granted": "Toekennen", "refused": "Afwijzen", "revoked": "Intrekken",
             "extended": "Verlengen"}
API_FIELDS = {"decision": "besluit", "category": "categorie", "validUntil": "geldig_tot",
              "reason": "toelichting", "reasonCode": "reden_code"}


@router.get("/urgentie", response_class=HTMLResponse)
def urgency_queue(request: Request, me: Me, platform: PlatformDep):
    which = request.query_params.get("filter", "wacht")
    which = which if which in gm.FILTERS else "wacht"
    items = gm.candidates(platform, me, which, today_amsterdam())
    listing = paged(items, page_number(request.query_params.get("pagina")),
                    request.app.state.settings.page_size,
                    search_text(request.query_params.get("zoek")), gm.CANDIDATE_SEARCH)
    return render(request, "municipality/queue.html", title="Urgentie", listing=listing,
                  which=which, filters=gm.FILTERS, groups=TARGET_GROUPS)


def _form(request: Request, candidate_id: str, status_code: int = 200, **context):
    return render(request, "municipality/decision.html", status_code=status_code,
                  title="Urgentiebesluit", candidate_id=candidate_id, groups=TARGET_GROUPS,
                  decisions=DECISIONS, revocations=REVOCATION_REASONS, errors=context.pop("errors", {}),
                  form=context.pop("form", {}), **context)


@router.get("/urgentie/{candidate_id}/besluit", response_class=HTMLResponse)
def decision_form(request: Request, candidate_id: CandidateId, me: Me):
    return _form(request, candidate_id)


@router.post("/urgentie/{candidate_id}/besluit", response_class=HTMLResponse)
def decide(request: Request, candidate_id: CandidateId, me: Me, platform: PlatformDep,
           form: FormDep):
    reader = FormReader(form)
    decision = reader.choice("besluit", "toekennen of afwijzen", DECISIONS)
    category = reader.choice("categorie", "een categorie", TARGET_GROUPS,
                             required=decision in ("granted", "refused"))
    valid_until = reader.day("geldig_tot", "de laatste geldige dag",
                             required=decision == "extended")
    code = reader.choice("reden_code", "een reden voor de intrekking", REVOCATION_REASONS,
                         required=decision == "revoked")
    reason = reader.text("toelichting", "een toelichting", required=False, max_length=2000)
    if not reader.ok:
        return _form(request, candidate_id, 422, errors=reader.errors, form=form)
    if not reader.confirmed:
        return render(request, "confirm.html", title="Bevestigen", action=request.url.path,
                      fields=reader.hidden(), back=f"/gemeente/urgentie/{candidate_id}/besluit",
                      question=f"Wilt u de urgentie {DECISIONS[decision].lower()}?",
                      summary=[("Kandidaat (pseudoniem)", candidate_id),
                               ("Categorie", TARGET_GROUPS.get(category, "–")),
                               ("Reden", REVOCATION_REASONS.get(code, "–")),
                               ("Geldig tot", valid_until.isoformat() if valid_until
                                else "standaardtermijn")])
    try:
        gm.decide(platform, me, candidate_id, decision, category, valid_until, reason, code)
    except ApiError as error:
        if error.status in (403, 404):
            raise PageError(404, "Kandidaat niet gevonden", "Deze kandidaat bestaat niet of is "
                            "niet in uw gemeente ingeschreven. Er is niets besloten.") from error
        return _form(request, candidate_id, 422, form=form, problem=error.detail,
                     errors=api_field_errors(error.field_errors(), API_FIELDS))
    return RedirectResponse("/gemeente/urgentie?filter=alle&gelukt=besluit", status_code=303)


@router.get("/realisatie", response_class=HTMLResponse)
def realisation(request: Request, me: Me, platform: PlatformDep):
    period = period_choice(request.query_params.get("periode"), today_amsterdam())
    report = gm.realisation(platform, me, period)
    return render(request, "realisation.html", title="Realisatie", report=report,
                  period=period, action="/gemeente/realisatie")
