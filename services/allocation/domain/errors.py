"""Refusals of the domain. Raised before any state changes, so a refused input leaves no trace.

Suggested mapping at the API: UnknownProposal/UnknownCandidate 404, ProposalNotOpen and
ProposalNotAccepted 409, InvalidResponse 422.
"""

from __future__ import annotations


class AllocationError(Exception):
    """Base of every refusal of the allocation domain."""


class UnknownProposal(AllocationError):
    pass


class UnknownCandidate(AllocationError):
    pass


class UnknownVacancy(AllocationError):
    pass


class ProposalNotOpen(AllocationError):
    """A response to a proposal that is no longer open (and is not a duplicate)."""


class ProposalNotAccepted(AllocationError):
    """A move-in for a proposal that was not accepted by both parties."""


class ProposalNotCancellable(AllocationError):
    """A cancellation of a proposal that is not accepted (or already placed)."""


class InvalidResponse(AllocationError):
    """A response that breaks the contract, such as a decline without a reason."""
