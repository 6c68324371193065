"""The registry API: reference data, corporations' stock and vacancies, fair-share
agreements; beside it the reference-data seed, the outbox relay and the feed consumer."""

from __future__ import annotations

from fastapi import FastAPI

from services.registry.api import (
    routes_agreements,
    routes_dwellings,
    routes_imports,
    routes_reference,
    routes_vacancies,
    routes_woonzorgvisie,
)
from services.registry.bootstrap import bootstrap, lifecycles
from shared.api import create_service_app
from shared.settings import RegistrySettings

DESCRIPTION = (
    "The registry of the Koploperregio Groningen: municipalities and regions, the "
    "corporations' social stock and vacancies (by HTTP or through the feed topic), and the "
    "fair-share agreements with their targets per municipality."
)


def create_app(settings: RegistrySettings | None = None, **fakes) -> FastAPI:
    settings = settings or RegistrySettings()
    runtime = bootstrap(settings, **fakes)
    app = create_service_app(
        settings, title="Woonregie registry", description=DESCRIPTION,
        routers=[routes_reference.router, routes_dwellings.router, routes_imports.router,
                 routes_vacancies.router, routes_agreements.router,
                 routes_woonzorgvisie.router],
        lifecycles=lambda app: lifecycles(runtime),
    )
    app.state.runtime = runtime
    return app
