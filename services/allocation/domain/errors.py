"""Refusals of the domain. Raised before any state changes, so a refused input leaves no trace.

Each is one of the shared service errors (shared.errors), so the API answers it as the same
problem+json in every service: unknown ids 404, a proposal in the wrong state 409 (with its
own `code`), a response that breaks the contract 422.
"""

from __future__ import annotations

from shared.errors import Conflict, FieldError, InvalidInput, NotFound, ServiceError


class AllocationError(ServiceError):
    """Base of every refusal of the allocation domain."""


class UnknownProposal(AllocationError, NotFound):
    pass


class UnknownCandidate(AllocationError, NotFound):
    pass


class UnknownVacancy(AllocationError, NotFound):
    pass


class ProposalNotOpen(AllocationError, Conflict):
    """A response to a proposal that is no longer open (and is not a duplicate)."""

    code = "proposal-not-open"


class ProposalNotAccepted(AllocationError, Conflict):
    """A move-in for a proposal that was not accepted by both parties."""

    code = "proposal-not-accepted"


class ProposalNotCancellable(AllocationError, Conflict):
    """A cancellation of a proposal that is not accepted (or already placed)."""

    code = "proposal-not-cancellable"


class InvalidResponse(AllocationError, InvalidInput):
    """A response that breaks the contract, such as a decline without a reason."""

    def __init__(self, reason: str):
        InvalidInput.__init__(self, FieldError("reasonCode", reason))
