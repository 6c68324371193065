"""The allocation API: proposals with their explanation, the parties' answers, move-ins and
placements. The decisions themselves are made by the worker (`woonregie worker allocation`)."""

from __future__ import annotations

from fastapi import FastAPI

from services.allocation.api import routes_assessments, routes_placements, routes_proposals
from services.allocation.bootstrap import bootstrap, lifecycles
from shared.api import create_service_app
from shared.settings import AllocationSettings

DESCRIPTION = (
    "Allocation of social rental homes to urgent candidates of the priority groups in the "
    "province of Groningen: every proposal explains why this candidate (the ranking) and why "
    "not the others (the rule that excluded them). Corporations and the candidates' care "
    "organisations answer proposals; corporations report the move-in."
)


def create_app(settings: AllocationSettings | None = None, **fakes) -> FastAPI:
    settings = settings or AllocationSettings()
    app = create_service_app(
        settings, title="Woonregie allocation", description=DESCRIPTION,
        routers=[routes_proposals.router, routes_placements.router,
                 routes_assessments.router],
        lifecycles=lambda app: lifecycles(app.state.runtime),
    )
    app.state.runtime = bootstrap(settings, **fakes)
    return app
