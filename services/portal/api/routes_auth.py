"""Logging in with a local account, and logging out."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.portal.api.deps import CSRF_FIELD, CSRF_REFUSED, FormDep, SessionDep, same_token
from services.portal.api.web import LOGIN_PAGE, render
from services.portal.auth.identity import SESSION_COOKIE, clear_session_cookie, sign_in
from services.portal.service.accounts import LoginOutcome

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
# before there is a session, the login form is protected by a double-submit cookie
LOGIN_CSRF_COOKIE = "woonregie_inlog_csrf"
MAX_FIELD = 256

MESSAGES = {
    LoginOutcome.WRONG: "Het e-mailadres of het wachtwoord klopt niet.",
    LoginOutcome.DISABLED: "Het e-mailadres of het wachtwoord klopt niet.",
    LoginOutcome.LOCKED: "Te veel mislukte pogingen. Uw account is tijdelijk geblokkeerd; "
                         "probeer het later opnieuw.",
}


def _login_page(request: Request, status: int = 200, error: str | None = None,
                email: str = "") -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", status_code=status, error=error, email=email,
                      csrf_token=token, oidc=bool(request.app.state.settings.oidc_issuer))
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.app.state.settings.cookie_secure, path=LOGIN_PAGE)
    return response


@router.get(LOGIN_PAGE, response_class=HTMLResponse)
def login_form(request: Request):
    return _login_page(request)


@router.post(LOGIN_PAGE, response_class=HTMLResponse)
async def log_in(request: Request):
    form = await request.form()
    if not same_token(form.get(CSRF_FIELD), request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise CSRF_REFUSED
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    if not email or not password or len(email) > MAX_FIELD or len(password) > MAX_FIELD:
        return _login_page(request, 422, "Vul uw e-mailadres en wachtwoord in "
                           f"(elk ten hoogste {MAX_FIELD} tekens).", email[:MAX_FIELD])
    result = request.app.state.accounts.log_in(email, password)
    if result.outcome is not LoginOutcome.OK:
        log.info("login refused", extra={"outcome": str(result.outcome)})
        return _login_page(request, 401, MESSAGES[result.outcome], email)
    log.info("login", extra={"subject": result.identity.subject})
    response = sign_in(request, result.identity)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PAGE)
    return response


@router.post("/uitloggen")
def log_out(request: Request, live: SessionDep, form: FormDep):
    request.app.state.sessions.end(request.cookies[SESSION_COOKIE])
    response = RedirectResponse(f"{LOGIN_PAGE}?uitgelogd=1", status_code=303)
    clear_session_cookie(response, request.app.state.settings)
    return response
