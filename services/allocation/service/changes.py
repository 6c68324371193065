"""One change of the scope's aggregate, as every entry point makes it: load, apply one
command, save with the version check, bring the read models up to date and stage the
resulting events in the outbox, all in the caller's unit of work (the caller commits)."""

from __future__ import annotations

from collections.abc import Iterable

from services.allocation.adapters.read_models import placement_values, proposal_values
from services.allocation.domain import AllocationError, Allocator, CandidatePlaced, DomainEvent
from services.allocation.service.inbound import Command
from services.allocation.service.outbound import emitted_event_id, to_contract
from services.allocation.service.uow import AllocationUnitOfWork


def change(uow: AllocationUnitOfWork, scope: str, command: Command, *, cause: str,
           per_version: bool = False, proposals: Iterable[str] = (),
           candidates: Iterable[str] = (), skip_if_quiet: bool = False) -> list[DomainEvent]:
    """Apply `command`; `cause` (plus the version, when `per_version`) names the emitted events.

    `proposals` and `candidates`: read rows to refresh although no event names them (a first
    acceptance changes a proposal silently). `skip_if_quiet`: the command changes nothing when
    it returns no events (expiry), so nothing is written then.
    A domain refusal propagates and leaves everything as it was.
    """
    allocator = uow.allocators.get(scope)
    try:
        events = command(allocator)
    except AllocationError:
        uow.allocators.give_back(allocator)
        raise
    if skip_if_quiet and not events:
        uow.allocators.give_back(allocator)
        return events
    version = uow.allocators.version_of(scope)
    uow.allocators.save(allocator)
    _project(uow, allocator, events, set(proposals), set(candidates))
    prefix = f"{cause}@{version}" if per_version else cause
    for index, event in enumerate(events):
        uow.emit(to_contract(event), event_id=emitted_event_id(prefix, index))
    return events


def _project(uow: AllocationUnitOfWork, allocator: Allocator, events: list[DomainEvent],
             proposals: set[str], candidates: set[str]) -> None:
    proposals |= {e.proposal_id for e in events if hasattr(e, "proposal_id")}
    if candidates:
        proposals |= {p.id for p in allocator.proposals() if p.candidate_id in candidates}
    for proposal_id in sorted(proposals):
        uow.proposals.upsert(proposal_values(allocator, allocator.proposal(proposal_id)))
    placed = {e.placement_id for e in events if isinstance(e, CandidatePlaced)}
    for placement in allocator.placements():
        if placement.id in placed:
            uow.placements.add(placement_values(allocator, placement))
