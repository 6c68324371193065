"""Allocation's refusals as problem+json answers."""

from __future__ import annotations

from fastapi import FastAPI, Request

from services.allocation.domain import (
    InvalidResponse,
    ProposalNotAccepted,
    ProposalNotCancellable,
    ProposalNotOpen,
    UnknownCandidate,
    UnknownProposal,
    UnknownVacancy,
)
from services.allocation.service.errors import Forbidden, InvalidInput, NotFound
from shared.problems import Problem, invalid, problem_response


def install_allocation_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    @app.exception_handler(UnknownProposal)
    @app.exception_handler(UnknownCandidate)
    @app.exception_handler(UnknownVacancy)
    async def _not_found(request: Request, exc: Exception):
        return problem_response(request, Problem(404, detail=str(exc)))

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden):
        return problem_response(request, Problem(403, detail=str(exc)))

    @app.exception_handler(ProposalNotOpen)
    async def _not_open(request: Request, exc: ProposalNotOpen):
        return problem_response(request, Problem(
            409, detail=f"the proposal is no longer open to answers ({exc})",
            code="proposal-not-open"))

    @app.exception_handler(ProposalNotAccepted)
    async def _not_accepted(request: Request, exc: ProposalNotAccepted):
        return problem_response(request, Problem(
            409, detail=f"a move-in needs a proposal accepted by both parties ({exc})",
            code="proposal-not-accepted"))

    @app.exception_handler(ProposalNotCancellable)
    async def _not_cancellable(request: Request, exc: ProposalNotCancellable):
        return problem_response(request, Problem(
            409, detail=f"only an accepted proposal without a move-in can be cancelled "
                        f"({exc})", code="proposal-not-cancellable"))

    @app.exception_handler(InvalidResponse)
    async def _invalid_response(request: Request, exc: InvalidResponse):
        return problem_response(request, invalid("reasonCode", str(exc)))

    @app.exception_handler(InvalidInput)
    async def _invalid_input(request: Request, exc: InvalidInput):
        return problem_response(request, invalid(exc.field, exc.reason))
