"""The monitoring API: reports (JSON and CSV), the dashboard at `/`, and `/metrics`."""

from __future__ import annotations

from fastapi import FastAPI

from services.monitoring.api import (
    routes_dashboard,
    routes_households,
    routes_reports,
    routes_woonzorgvisie,
    routes_woonzorgvisie_page,
)
from services.monitoring.bootstrap import bootstrap, lifecycles
from shared.api import create_service_app
from shared.settings import MonitoringSettings

DESCRIPTION = (
    "Live fair-share monitoring for the province of Groningen: target against realisation "
    "per municipality, inflow and outflow, waiting times, the proposal funnel, stock and "
    "vacancies, built from the platform's topics. Without a token the figures are public, "
    "with every count under 5 suppressed; province and admin (and a municipality for "
    "itself) see exact numbers."
)


def create_app(settings: MonitoringSettings | None = None, **fakes) -> FastAPI:
    settings = settings or MonitoringSettings()
    runtime = bootstrap(settings, **fakes)
    app = create_service_app(
        settings, title="Woonregie monitoring", description=DESCRIPTION,
        routers=[routes_reports.router, routes_households.router, routes_woonzorgvisie.router],
        root_routers=[routes_dashboard.router, routes_woonzorgvisie_page.router],
        lifecycles=lambda app: lifecycles(runtime),
    )
    app.state.runtime = runtime
    return app
