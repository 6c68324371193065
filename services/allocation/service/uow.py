"""Allocation's unit of work: the spine's SQL unit of work plus the aggregate store and the
read models, and hooks that run only once the transaction has committed."""

from __future__ import annotations

from collections.abc import Callable

from services.allocation.adapters.aggregate_store import AggregateCache, AllocatorStore
from services.allocation.adapters.read_models import (
    DeclineNotes,
    PlacementViews,
    ProposalViews,
)
from services.allocation.domain import AllocationPolicy
from shared.messaging.uow import SqlUnitOfWork


class AllocationUnitOfWork(SqlUnitOfWork):
    cache: AggregateCache  # bound per runtime by `bound`
    policy: AllocationPolicy

    @classmethod
    def bound(cls, cache: AggregateCache, policy: AllocationPolicy
              ) -> type["AllocationUnitOfWork"]:
        """A subclass bound to one cache and policy: the Runtime builds units of work from a
        class."""
        return type(cls.__name__, (cls,), {"cache": cache, "policy": policy})

    def _open_repositories(self) -> None:
        self._after_commit: list[Callable[[], None]] = []
        self.allocators = AllocatorStore(self.session, self.cache, self.policy,
                                         self._after_commit.append)
        self.proposals = ProposalViews(self.session)
        self.placements = PlacementViews(self.session)
        self.decline_notes = DeclineNotes(self.session)

    def commit(self) -> None:
        self.allocators.flush()  # the aggregates changed in this unit of work, once each
        self.proposals.flush()
        super().commit()
        hooks = list(self._after_commit)
        self._after_commit.clear()
        for hook in hooks:
            hook()

    def rollback(self) -> None:
        self._after_commit.clear()  # what they would publish never happened
        self.allocators.discard()
        self.proposals.discard()
        super().rollback()
