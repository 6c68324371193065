"""Use cases: the consumed events (through the EventProcessor), the API's commands and the
expiry timer. Each takes its unit of work and commits it itself, except `on_event`, whose
commit belongs to the EventProcessor (together with the ledger row)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError

from services.allocation.adapters.aggregate_store import VersionConflict
from services.allocation.adapters.tables import ProposalRow
from services.allocation.domain import AllocationError, AllocationPolicy, Decision, ids
from services.allocation.service import commands as c
from services.allocation.service import inbound
from services.allocation.service.access import (
    CandidateParties,
    audience_of,
    cancelling_party,
    is_party,
    may_answer_for,
    may_read_assessment,
    may_report_move_in,
)
from services.allocation.service.changes import change
from services.allocation.service.errors import Forbidden, InvalidInput, NotFound
from services.allocation.service.uow import AllocationUnitOfWork
from services.allocation.service.views import (
    DeclineNote,
    PlacementView,
    ProposalDetail,
    ProposalView,
    copy_of,
)
from shared.bus import Retry
from shared.contracts.decline_reasons import decline_reasons
from shared.contracts.envelope import Received
from shared.contracts.periods import today_amsterdam
from shared.contracts.vocabulary import PROVINCE_SCOPE, DecidedBy
from shared.messaging.consuming import Rejected
from shared.pagination import Page


@dataclass(frozen=True)
class Deps:
    scope: str = PROVINCE_SCOPE
    policy: AllocationPolicy = AllocationPolicy()
    today: Callable[[], date] = today_amsterdam


# --- consumed events ------------------------------------------------------------------------


def on_event(uow: AllocationUnitOfWork, received: Received, deps: Deps) -> None:
    command = inbound.command_for(received.event)
    if command is None:
        return
    touched = inbound.candidate_touched(received.event)
    if touched and uow.allocators.get(deps.scope).candidate(touched) is None:
        touched = None  # a candidate new to the scope has no proposals to refresh
    try:
        change(uow, deps.scope, command, cause=f"in:{received.id}",
               candidates=[touched] if touched else ())
    except AllocationError as exc:  # e.g. an urgency for a candidate never registered
        raise Rejected(f"{type(exc).__name__}: {exc}") from exc


# --- timer ----------------------------------------------------------------------------------


def expire_due(cmd: c.ExpireDueProposals, uow: AllocationUnitOfWork, deps: Deps) -> int:
    """Expire proposals whose answer period has passed; the vacancies move on. Returns the
    number of events emitted."""
    today = cmd.today or deps.today()
    events = change(uow, deps.scope, lambda a: a.expire_due(today),
                    cause=f"expire:{today.isoformat()}", per_version=True, skip_if_quiet=True)
    uow.commit()
    return len(events)


def decide_due(cmd: c.DecideDueVacancies, uow: AllocationUnitOfWork, deps: Deps) -> int:
    """Decide the vacancies held back until their decision day (`decision_lead_days`).
    Returns the number of events emitted."""
    today = cmd.today or deps.today()
    events = change(uow, deps.scope, lambda a: a.decide_due(today),
                    cause=f"decide:{today.isoformat()}", per_version=True, skip_if_quiet=True)
    uow.commit()
    return len(events)


# --- API ------------------------------------------------------------------------------------


def list_proposals(cmd: c.ListProposals, uow: AllocationUnitOfWork, deps: Deps) -> Page:
    rows, total = uow.proposals.page(audience_of(cmd.caller), cmd.status, cmd.page,
                                     cmd.page_size)
    return Page([copy_of(ProposalView, r) for r in rows], cmd.page, cmd.page_size, total)


def read_proposal(cmd: c.ReadProposal, uow: AllocationUnitOfWork, deps: Deps
                  ) -> ProposalDetail:
    return _detail(uow, cmd.caller, _visible_proposal(uow, cmd.caller, cmd.proposal_id))


def list_decline_reasons(cmd: c.ListDeclineReasons, uow: AllocationUnitOfWork, deps: Deps
                         ) -> dict:
    return decline_reasons().document()


def respond(cmd: c.RespondToProposal, uow: AllocationUnitOfWork, deps: Deps
            ) -> ProposalDetail:
    row = _visible_proposal(uow, cmd.caller, cmd.proposal_id)
    if not may_answer_for(cmd.caller, cmd.decided_by, row):
        side = ("the dwelling's corporation" if cmd.decided_by is DecidedBy.CORPORATION
                else "the candidate's registering organisation or care provider")
        raise Forbidden(f"only {side} answers for the {cmd.decided_by}")
    _check_decline_input(cmd)
    today = _answer_day(cmd.on, deps.today(), row)
    change(uow, deps.scope,
           lambda a: a.respond(cmd.proposal_id, cmd.decision, cmd.decided_by, today,
                               cmd.reason_code),
           cause=f"respond:{cmd.proposal_id}:{cmd.decided_by}:{cmd.decision}",
           per_version=True, proposals=[cmd.proposal_id])
    if cmd.decision is Decision.DECLINED and cmd.note:
        uow.decline_notes.add(cmd.proposal_id, cmd.decided_by.value, cmd.note)
    uow.commit()
    return _detail(uow, cmd.caller, uow.proposals.get(cmd.proposal_id))


def _check_decline_input(cmd: c.RespondToProposal) -> None:
    if cmd.decision is not Decision.DECLINED:
        if cmd.note:
            raise InvalidInput.of("note", "a note goes with a decline only")
        return
    if not cmd.reason_code:
        raise InvalidInput.of("reasonCode", "required when the proposal is declined")
    allowed = decline_reasons().codes_for(cmd.decided_by.value)
    if cmd.reason_code not in allowed:
        raise InvalidInput.of("reasonCode", f"unknown code {cmd.reason_code!r} for the "
                                         f"{cmd.decided_by}; allowed: {', '.join(allowed)}")


def _detail(uow: AllocationUnitOfWork, caller, row: ProposalRow) -> ProposalDetail:
    notes = ([copy_of(DeclineNote, n) for n in uow.decline_notes.of(row.id)]
             if is_party(caller, row) else None)
    return ProposalDetail(copy_of(ProposalView, row), notes)


def _answer_day(on: date | None, today: date, row: ProposalRow) -> date:
    if on is None:
        return today
    if on > today:
        raise InvalidInput.of("on", "lies in the future")
    if on < row.proposed_on:
        raise InvalidInput.of("on", f"the answer cannot precede the proposal "
                                 f"({row.proposed_on.isoformat()})")
    return on


def report_move_in(cmd: c.ReportMoveIn, uow: AllocationUnitOfWork, deps: Deps
                   ) -> PlacementView:
    row = _visible_proposal(uow, cmd.caller, cmd.proposal_id)
    if not may_report_move_in(cmd.caller, row):
        raise Forbidden("only the dwelling's corporation reports the move-in")
    if cmd.move_in_date < row.proposed_on:
        raise InvalidInput.of("date", f"the move-in cannot precede the proposal "
                                   f"({row.proposed_on.isoformat()})")
    change(uow, deps.scope, lambda a: a.move_in(cmd.proposal_id, cmd.move_in_date),
           cause=f"move-in:{cmd.proposal_id}", per_version=True, proposals=[cmd.proposal_id])
    uow.commit()
    # placed now, or before: a repeated report answers with the placement already made
    placement = uow.placements.get(ids.placement_id(cmd.proposal_id))
    assert placement is not None
    return copy_of(PlacementView, placement)


def cancel(cmd: c.CancelProposal, uow: AllocationUnitOfWork, deps: Deps) -> ProposalView:
    row = _visible_proposal(uow, cmd.caller, cmd.proposal_id)
    party = cancelling_party(cmd.caller, row)
    if party is None:
        raise Forbidden("only the dwelling's corporation or the candidate's care provider "
                        "cancels an accepted proposal")
    today = deps.today()
    change(uow, deps.scope,
           lambda a: a.cancel(cmd.proposal_id, party, cmd.reason_code.value, today),
           cause=f"cancel:{cmd.proposal_id}", per_version=True, proposals=[cmd.proposal_id])
    uow.commit()
    return copy_of(ProposalView, uow.proposals.get(cmd.proposal_id))


def assess(cmd: c.AssessCandidate, uow: AllocationUnitOfWork, deps: Deps):
    """Why (not) this candidate for this vacancy; unknown and not-yours answer alike (404)."""
    allocator = uow.allocators.get(deps.scope)
    try:
        vacancy = allocator.vacancy(cmd.vacancy_id)
        candidate = allocator.candidate(cmd.candidate_id)
        if vacancy is None or candidate is None or not may_read_assessment(
                cmd.caller, vacancy.corporation, CandidateParties.of(candidate)):
            raise NotFound(f"no assessment of candidate {cmd.candidate_id} for vacancy "
                           f"{cmd.vacancy_id}")
        return allocator.assess_candidate(vacancy.id, candidate.id, deps.today())
    finally:
        uow.allocators.give_back(allocator)


def list_placements(cmd: c.ListPlacements, uow: AllocationUnitOfWork, deps: Deps) -> Page:
    rows, total = uow.placements.page(audience_of(cmd.caller), cmd.page, cmd.page_size)
    return Page([copy_of(PlacementView, r) for r in rows], cmd.page, cmd.page_size, total)


def read_placement(cmd: c.ReadPlacement, uow: AllocationUnitOfWork, deps: Deps
                   ) -> PlacementView:
    row = uow.placements.get(cmd.placement_id)
    if row is None or not audience_of(cmd.caller).sees(row):
        raise NotFound(f"no placement {cmd.placement_id}")
    return copy_of(PlacementView, row)


def _visible_proposal(uow: AllocationUnitOfWork, caller, proposal_id: str) -> ProposalRow:
    row = uow.proposals.get(proposal_id)
    if row is None or not audience_of(caller).sees(row):
        raise NotFound(f"no proposal {proposal_id}")
    return row


HANDLERS: dict[type, Callable] = {
    c.ListProposals: list_proposals,
    c.ReadProposal: read_proposal,
    c.RespondToProposal: respond,
    c.ListDeclineReasons: list_decline_reasons,
    c.ReportMoveIn: report_move_in,
    c.CancelProposal: cancel,
    c.AssessCandidate: assess,
    c.ListPlacements: list_placements,
    c.ReadPlacement: read_placement,
    c.ExpireDueProposals: expire_due,
    c.DecideDueVacancies: decide_due,
}
# another writer saving the scope in between: the redo sees the newer state and decides anew
RETRY = Retry(attempts=10, on=(VersionConflict, IntegrityError))
