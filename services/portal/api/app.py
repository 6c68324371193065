"""The portal: people's web application, rendered on the server, in Dutch."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from services.portal.api import (
    routes_auth,
    routes_care,
    routes_corporation,
    routes_home,
    routes_municipality,
    routes_province,
)
from services.portal.api.web import HERE, install_page_handlers
from services.portal.bootstrap import bootstrap
from shared.api import create_service_app
from shared.settings import PortalSettings

DESCRIPTION = ("The web application for people: corporations, municipalities, care "
               "providers, the care office and the province, each on their own pages.")


def create_app(settings: PortalSettings | None = None, **fakes) -> FastAPI:
    settings = settings or PortalSettings()
    runtime = bootstrap(settings, **fakes)
    app = create_service_app(
        settings, title="Woonregie portaal", description=DESCRIPTION, routers=[],
        root_routers=[routes_auth.router, routes_home.router, *_role_routers(),
                      *_sso_routers(settings)],
        lifecycles=lambda app: (runtime.notifications.lifecycles()
                                if runtime.notifications else []),
    )
    app.state.runtime = runtime
    app.state.accounts = runtime.accounts
    app.state.sessions = runtime.sessions
    app.state.platform = runtime.platform
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    install_page_handlers(app)
    return app


def _role_routers() -> list:
    return [routes_corporation.router, routes_municipality.router, routes_care.router,
            routes_province.router]


def _sso_routers(settings: PortalSettings) -> list:
    if not settings.oidc_issuer:
        return []
    from services.portal.auth import oidc  # written on the sso branch

    return [oidc.router]
