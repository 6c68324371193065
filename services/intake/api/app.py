"""The intake API: candidates, urgency decisions, CSV import."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.api import routes_candidates, routes_imports, routes_urgency
from services.intake.bootstrap import bootstrap, lifecycles
from shared.api import create_service_app
from shared.settings import IntakeSettings

DESCRIPTION = (
    "Care providers and the care office register clients of the priority groups; "
    "municipalities decide on urgency. The only service holding personal data: BSN and name "
    "are encrypted at rest, every read is logged, events carry an opaque id only."
)


def create_app(settings: IntakeSettings | None = None, **fakes) -> FastAPI:
    settings = settings or IntakeSettings()
    app = create_service_app(
        settings, title="Woonregie intake", description=DESCRIPTION,
        routers=[routes_candidates.router, routes_urgency.router, routes_imports.router],
        lifecycles=lambda app: lifecycles(app.state.runtime),
    )
    # after the app: logging is set up by then, so a key warning is a structured log line
    app.state.runtime = bootstrap(settings, **fakes)
    return app
