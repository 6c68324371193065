"""A corporation's pages: proposals for its dwellings, answers, move-in, vacancies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.portal.adapters.platform import ApiError, Platform
from services.portal.api.deps import FormDep, PlatformDep, role_page
from services.portal.api.forms import FormReader, api_field_errors
from services.portal.api.web import PageError, render
from services.portal.auth.identity import Identity
from services.portal.service import corporation as corp
from services.portal.service.listing import page_number, paged, search_text
from shared.contracts.periods import today_amsterdam
from shared.contracts.vocabulary import Role

router = APIRouter(prefix="/corporatie", include_in_schema=False)
Me = Annotated[Identity, Depends(role_page(Role.CORPORATION))]
ProposalId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
STATUSES = {"open": "Open", "accepted": "Geaccepteerd", "declined": "Afgewezen",
            "expired": "Verlopen", "placed": "Verhuisd", "": "Alle"}
DECISIONS = {"accepted": "Accepteren", "declined": "Afwijzen"}


@router.get("/voorstellen", response_class=HTMLResponse)
def list_proposals(request: Request, me: Me, platform: PlatformDep):
    status = request.query_params.get("status", "open")
    status = status if status in STATUSES else "open"
    items = corp.proposals(platform, me, status, today_amsterdam())
    listing = paged(items, page_number(request.query_params.get("pagina")),
                    request.app.state.settings.page_size,
                    search_text(request.query_params.get("zoek")), corp.PROPOSAL_SEARCH)
    return render(request, "corporation/proposals.html", title="Voorstellen",
                  listing=listing, status=status, statuses=STATUSES)


def _proposal_or_404(platform: Platform, me: Identity, proposal_id: str) -> dict:
    try:
        return corp.proposal(platform, me, proposal_id)
    except ApiError as error:
        if error.status in (403, 404):
            raise PageError(404, "Voorstel niet gevonden", "Dit voorstel bestaat niet, of "
                            "hoort niet bij een woning van uw organisatie.") from error
        raise


def _detail(request: Request, me: Identity, platform: Platform, proposal: dict,
            status: int = 200, **context) -> HTMLResponse:
    return render(request, "corporation/proposal.html", status_code=status, title="Voorstel",
                  proposal=proposal, reasons=_reason_options(platform, me),
                  decisions=DECISIONS, errors=context.pop("errors", {}), **context)


def _reason_options(platform: Platform, me: Identity) -> dict[str, str]:
    return {r["code"]: r.get("label") or r["code"] for r in corp.decline_reasons(platform, me)}


@router.get("/voorstellen/{proposal_id}", response_class=HTMLResponse)
def show_proposal(request: Request, proposal_id: ProposalId, me: Me, platform: PlatformDep):
    return _detail(request, me, platform, _proposal_or_404(platform, me, proposal_id))


@router.post("/voorstellen/{proposal_id}/antwoord", response_class=HTMLResponse)
def answer_proposal(request: Request, proposal_id: ProposalId, me: Me, platform: PlatformDep,
                    form: FormDep):
    proposal = _proposal_or_404(platform, me, proposal_id)
    reader = FormReader(form)
    decision = reader.choice("besluit", "accepteren of afwijzen", DECISIONS)
    reasons = _reason_options(platform, me)
    code = reader.choice("reden_code", "een reden", reasons, required=decision == "declined")
    note = reader.text("toelichting", "een toelichting", required=False, max_length=1000)
    if not reader.ok:
        return _detail(request, me, platform, proposal, 422, errors=reader.errors, form=form)
    if not reader.confirmed:
        return render(request, "confirm.html", title="Bevestigen", action=request.url.path,
                      fields=reader.hidden(), back=f"/corporatie/voorstellen/{proposal_id}",
                      question=f"Wilt u dit voorstel {DECISIONS[decision].lower()}?",
                      summary=[("Woning", proposal["bagId"]),
                               ("Reden", reasons.get(code, "–")), ("Toelichting", note or "–")])
    try:
        corp.answer(platform, me, proposal_id, decision, note, code)
    except ApiError as error:
        errors = api_field_errors(error.field_errors(), {"note": "toelichting",
                                                         "reasonCode": "reden_code"})
        return _detail(request, me, platform, proposal, 422, errors=errors,
                       problem=error.detail, form=form)
    return RedirectResponse(f"/corporatie/voorstellen/{proposal_id}?gelukt=antwoord",
                            status_code=303)


@router.post("/voorstellen/{proposal_id}/verhuizing", response_class=HTMLResponse)
def move_in(request: Request, proposal_id: ProposalId, me: Me, platform: PlatformDep,
            form: FormDep):
    proposal = _proposal_or_404(platform, me, proposal_id)
    reader = FormReader(form)
    on = reader.day("datum", "de verhuisdatum")
    if not reader.ok:
        return _detail(request, me, platform, proposal, 422, errors=reader.errors, form=form)
    if not reader.confirmed:
        return render(request, "confirm.html", title="Bevestigen", action=request.url.path,
                      fields=reader.hidden(), back=f"/corporatie/voorstellen/{proposal_id}",
                      question="Wilt u deze verhuizing vastleggen?",
                      summary=[("Woning", proposal["bagId"]), ("Verhuisdatum", on.isoformat())])
    try:
        corp.record_move_in(platform, me, proposal_id, on)
    except ApiError as error:
        errors = api_field_errors(error.field_errors(), {"date": "datum"})
        return _detail(request, me, platform, proposal, 422, errors=errors,
                       problem=error.detail, form=form)
    return RedirectResponse(f"/corporatie/voorstellen/{proposal_id}?gelukt=verhuizing",
                            status_code=303)


@router.get("/woningen", response_class=HTMLResponse)
def list_dwellings(request: Request, me: Me, platform: PlatformDep):
    vacancies = corp.open_vacancies(platform, me)
    items = [d | {"vacancy": vacancies.get(d["bagId"])} for d in corp.dwellings(platform, me)]
    listing = paged(items, page_number(request.query_params.get("pagina")),
                    request.app.state.settings.page_size,
                    search_text(request.query_params.get("zoek")), corp.DWELLING_SEARCH)
    return render(request, "corporation/dwellings.html", title="Woningen", listing=listing)


NOT_MY_DWELLING = ("Woning niet gevonden", "Deze woning bestaat niet, of hoort niet bij uw "
                   "organisatie. Er is niets gemeld.")
BagId = Annotated[str, Path(pattern=r"^\d{16}$")]


def _my_dwelling(platform: Platform, me: Identity, bag_id: str) -> dict:
    try:
        return corp.dwelling(platform, me, bag_id)
    except ApiError as error:
        if error.status in (403, 404):
            raise PageError(404, *NOT_MY_DWELLING) from error
        raise


@router.get("/woningen/{bag_id}/leegstand", response_class=HTMLResponse)
def vacancy_form(request: Request, bag_id: BagId, me: Me, platform: PlatformDep):
    _my_dwelling(platform, me, bag_id)
    return render(request, "corporation/vacancy.html", title="Vrijkomende woning melden",
                  bag_id=bag_id, errors={}, form={})


@router.post("/woningen/{bag_id}/leegstand", response_class=HTMLResponse)
def announce_vacancy(request: Request, bag_id: BagId, me: Me, platform: PlatformDep,
                     form: FormDep):
    _my_dwelling(platform, me, bag_id)
    reader = FormReader(form)
    available = reader.day("beschikbaar", "de datum waarop de woning vrijkomt")
    if not reader.ok:
        return render(request, "corporation/vacancy.html", status_code=422, bag_id=bag_id,
                      title="Vrijkomende woning melden", errors=reader.errors, form=form)
    if not reader.confirmed:
        return render(request, "confirm.html", title="Bevestigen", action=request.url.path,
                      fields=reader.hidden(), back="/corporatie/woningen",
                      question="Wilt u deze woning als vrijkomend melden?",
                      summary=[("Woning", bag_id), ("Beschikbaar vanaf", available.isoformat())])
    try:
        corp.announce_vacancy(platform, me, bag_id, available)
    except ApiError as error:
        if error.status in (403, 404):
            raise PageError(404, *NOT_MY_DWELLING) from error
        errors = api_field_errors(error.field_errors(), {"availableFrom": "beschikbaar"})
        return render(request, "corporation/vacancy.html", status_code=422, bag_id=bag_id,
                      title="Vrijkomende woning melden", errors=errors, form=form,
                      problem=error.detail)
    return RedirectResponse("/corporatie/woningen?gelukt=leegstand", status_code=303)
