"""Care providers' and the care office's pages: clients, registration, needs, withdrawal,
CSV upload. Personal data is shown only on these pages, never put in an address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.portal.adapters.platform import ApiError, Platform
from services.portal.api.deps import FormDep, PlatformDep, role_page
from services.portal.api.forms import FormReader, api_field_errors
from services.portal.api.web import PageError, render
from services.portal.auth.identity import Identity
from services.portal.service import care
from services.portal.service.listing import page_number, paged, search_text
from services.portal.service.texts import (
    ACCESSIBILITY,
    TARGET_GROUPS,
    WITHDRAWAL_REASONS,
)
from shared.contracts.vocabulary import Role

router = APIRouter(prefix="/zorg", include_in_schema=False)
Me = Annotated[Identity, Depends(role_page(Role.CARE_PROVIDER, Role.CARE_OFFICE))]
CandidateId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
MAX_CSV_BYTES = 500_000
REGISTER_FIELDS = {"bsn": "bsn", "name": "naam", "birthYear": "geboortejaar",
                   "householdSize": "huishouden", "yearlyIncome": "inkomen",
                   "targetGroup": "doelgroep", "registrationMunicipality": "gemeente",
                   "accessibility": "toegankelijkheid", "availableFrom": "beschikbaar"}


@router.get("/clienten", response_class=HTMLResponse)
def list_clients(request: Request, me: Me, platform: PlatformDep):
    listing = paged(care.clients(platform, me), page_number(request.query_params.get("pagina")),
                    request.app.state.settings.page_size,
                    search_text(request.query_params.get("zoek")), care.CLIENT_SEARCH)
    return render(request, "care/clients.html", title="Cliënten", listing=listing,
                  groups=TARGET_GROUPS)


def _register_page(request: Request, status_code: int = 200, **context):
    return render(request, "care/register.html", status_code=status_code,
                  title="Cliënt aanmelden", groups=TARGET_GROUPS, access=ACCESSIBILITY,
                  errors=context.pop("errors", {}), form=context.pop("form", {}), **context)


@router.get("/clienten/nieuw", response_class=HTMLResponse)
def register_form(request: Request, me: Me):
    return _register_page(request)


def _registration(reader: FormReader) -> dict:
    body = {
        "bsn": reader.text("bsn", "het BSN", max_length=9, min_length=9),
        "name": reader.text("naam", "de naam", max_length=200),
        "birthYear": reader.number("geboortejaar", "geboortejaar", low=1900, high=2100),
        "householdSize": reader.number("huishouden", "huishoudgrootte", low=1, high=20),
        "yearlyIncome": reader.number("inkomen", "jaarinkomen", low=0, high=10_000_000,
                                      whole=False),
        "targetGroup": reader.choice("doelgroep", "een doelgroep", TARGET_GROUPS),
        "registrationMunicipality": reader.text("gemeente", "de CBS-code van de gemeente",
                                                max_length=6),
        "needs": {"accessibility": reader.choice("toegankelijkheid", "een toegankelijkheid",
                                                 ACCESSIBILITY),
                  "ambulantSupport": reader.data.get("ambulant") == "ja"},
    }
    available = reader.day("beschikbaar", "de datum beschikbaar", required=False)
    if available:
        body["availableFrom"] = available.isoformat()
    return body


@router.post("/clienten/nieuw", response_class=HTMLResponse)
def register(request: Request, me: Me, platform: PlatformDep, form: FormDep):
    reader = FormReader(form)
    body = _registration(reader)
    if not reader.ok:
        return _register_page(request, 422, errors=reader.errors, form=form)
    if not reader.confirmed:
        return render(request, "confirm.html", title="Bevestigen", action=request.url.path,
                      fields=reader.hidden(), back="/zorg/clienten/nieuw",
                      question="Wilt u deze cliënt aanmelden?",
                      summary=[("Naam", body["name"]), ("BSN", "******" + body["bsn"][-3:]),
                               ("Doelgroep", TARGET_GROUPS[body["targetGroup"]]),
                               ("Gemeente", body["registrationMunicipality"])])
    try:
        created = care.register(platform, me, body)
    except ApiError as error:
        return _register_page(request, 422, form=form, problem=error.detail,
                              errors=api_field_errors(error.field_errors(), REGISTER_FIELDS))
    return RedirectResponse(f"/zorg/clienten/{created['id']}?gelukt=aangemeld", status_code=303)


def _client_or_404(platform: Platform, me: Identity, candidate_id: str) -> dict:
    try:
        return care.client(platform, me, candidate_id)
    except ApiError as error:
        if error.status in (403, 404):
            raise PageError(404, "Cliënt niet gevonden", "Deze cliënt bestaat niet, of is door "
                            "een andere organisatie aangemeld.") from error
        raise


def _client_page(request: Request, client: dict, status_code: int = 200, **context):
    return render(request, "care/client.html", status_code=status_code, title="Cliënt",
                  client=client, access=ACCESSIBILITY, reasons=WITHDRAWAL_REASONS,
                  groups=TARGET_GROUPS, errors=context.pop("errors", {}),
                  form=context.pop("form", {}), **context)


@router.get("/clienten/{candidate_id}", response_class=HTMLResponse)
def show_client(request: Request, candidate_id: CandidateId, me: Me, platform: PlatformDep):
    return _client_page(request, _client_or_404(platform, me, candidate_id))


@router.post("/clienten/{candidate_id}/behoeften", response_class=HTMLResponse)
def update_needs(request: Request, candidate_id: CandidateId, me: Me, platform: PlatformDep,
                 form: FormDep):
    client = _client_or_404(platform, me, candidate_id)
    reader = FormReader(form)
    needs = {"accessibility": reader.choice("toegankelijkheid", "een toegankelijkheid",
                                            ACCESSIBILITY),
             "minRooms": reader.number("kamers", "minimum aantal kamers", low=1, high=12,
                                       required=False),
             "ambulantSupport": reader.data.get("ambulant") == "ja"}
    if not reader.ok:
        return _client_page(request, client, 422, errors=reader.errors, form=form)
    if not reader.confirmed:
        return render(request, "confirm.html", title="Bevestigen", action=request.url.path,
                      fields=reader.hidden(), back=f"/zorg/clienten/{candidate_id}",
                      question="Wilt u de behoeften van deze cliënt wijzigen?",
                      summary=[("Toegankelijkheid", ACCESSIBILITY[needs["accessibility"]]),
                               ("Minimum kamers", needs["minRooms"] or "geen"),
                               ("Ambulante begeleiding",
                                "ja" if needs["ambulantSupport"] else "nee")])
    try:
        care.update_needs(platform, me, candidate_id, needs)
    except ApiError as error:
        return _client_page(request, client, 422, form=form, problem=error.detail,
                            errors=api_field_errors(error.field_errors(),
                                                    {"accessibility": "toegankelijkheid",
                                                     "minRooms": "kamers"}))
    return RedirectResponse(f"/zorg/clienten/{candidate_id}?gelukt=behoeften", status_code=303)


@router.post("/clienten/{candidate_id}/intrekking", response_class=HTMLResponse)
def withdraw(request: Request, candidate_id: CandidateId, me: Me, platform: PlatformDep,
             form: FormDep):
    client = _client_or_404(platform, me, candidate_id)
    reader = FormReader(form)
    reason = reader.choice("reden", "een reden", WITHDRAWAL_REASONS)
    if not reader.ok:
        return _client_page(request, client, 422, errors=reader.errors, form=form)
    if not reader.confirmed:
        return render(request, "confirm.html", title="Bevestigen", action=request.url.path,
                      fields=reader.hidden(), back=f"/zorg/clienten/{candidate_id}",
                      question="Wilt u deze cliënt terugtrekken?",
                      summary=[("Reden", WITHDRAWAL_REASONS[reason])])
    try:
        care.withdraw(platform, me, candidate_id, reason)
    except ApiError as error:
        return _client_page(request, client, 422, form=form, problem=error.detail)
    return RedirectResponse(f"/zorg/clienten/{candidate_id}?gelukt=ingetrokken",
                            status_code=303)


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, me: Me):
    return render(request, "care/import.html", title="Cliënten importeren", errors={})


@router.post("/import", response_class=HTMLResponse)
async def import_clients(request: Request, me: Me, platform: PlatformDep, form: FormDep):
    upload = (await request.form()).get("bestand")
    raw = await upload.read(MAX_CSV_BYTES + 1) if hasattr(upload, "read") else b""
    if not raw or len(raw) > MAX_CSV_BYTES:
        return render(request, "care/import.html", status_code=422, title="Cliënten importeren",
                      errors={"bestand": "Kies een CSV-bestand van ten hoogste 500 kB."})
    try:
        result = care.import_csv(platform, me, raw)
    except ApiError as error:
        return render(request, "care/import.html", status_code=422, title="Cliënten importeren",
                      errors={}, problem=error.detail, rows=sorted(error.field_errors().items()))
    return render(request, "care/import.html", title="Cliënten importeren", errors={},
                  imported=result["imported"])
