"""Rendering pages: templates, the page errors every route may raise, and their handlers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.portal.adapters.platform import ServiceUnavailable
from shared.problems import Problem, problem_response

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
LOGIN_PAGE = "/inloggen"

ROLE_NAMES = {
    "corporation": "Woningcorporatie", "municipality": "Gemeente",
    "care-provider": "Zorgaanbieder", "care-office": "Zorgkantoor",
    "province": "Provincie", "admin": "Beheer",
}
templates.env.globals["ROLE_NAMES"] = ROLE_NAMES


class LoginRequired(Exception):
    """No live session: send the browser to the login page."""


class PageError(Exception):
    """A request the portal refuses, shown as a clear Dutch page."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("session", getattr(request.state, "portal_session", None))
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    # pages hold organisation data: never keep them in a shared or back-button cache
    response.headers["Cache-Control"] = "no-store"
    return response


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return render(request, "error.html", status_code=status, title=title, message=message)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/v1/")


def install_page_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired):
        return RedirectResponse(LOGIN_PAGE, status_code=303)

    @app.exception_handler(PageError)
    async def _page(request: Request, exc: PageError):
        return error_page(request, exc.status, exc.title, exc.message)

    @app.exception_handler(ServiceUnavailable)
    async def _unavailable(request: Request, exc: ServiceUnavailable):
        return error_page(request, 503, "Dienst niet bereikbaar",
                          "Een onderdeel van Woonregie antwoordt nu niet. Probeer het zo opnieuw; "
                          "er is niets gewijzigd.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if _is_api(request):
            return problem_response(request, Problem(exc.status_code))
        if exc.status_code == 404:
            return error_page(request, 404, "Pagina niet gevonden",
                              "Deze pagina bestaat niet, of hoort niet bij uw organisatie.")
        return error_page(request, exc.status_code, "Dat lukte niet",
                          "Het verzoek kon niet worden verwerkt.")
