"""The rebuild's `redo`: the change an answer, move-in, cancellation or expiry made, from the
event it left on the topic. Applied to a twin that saw the same inputs, it leaves the twin in
the live aggregate's state, and the follow-up decisions (the next proposal) come out alike."""

from datetime import date, timedelta

from allocation_builders import (
    GRONINGEN,
    agreement,
    allocator,
    candidate,
    target,
    vacancy,
)

from services.allocation.domain import CandidateProposed, ProposalStatus
from services.allocation.rebuild import redo
from services.allocation.service.outbound import to_contract
from shared.contracts.vocabulary import DecidedBy

DAY = date(2026, 3, 2)
CORP, CAND = DecidedBy.CORPORATION, DecidedBy.CANDIDATE


def pair():
    """The live aggregate and a twin, each with three candidates and two proposals."""
    made = []
    for _ in range(2):
        alloc = allocator(candidate("c-1"), candidate("c-2"), candidate("c-3"),
                          agreement_=agreement((target(GRONINGEN, 10, 10),), cap_share=1.0))
        events = alloc.announce_vacancy(vacancy("vac-1"), DAY)
        events += alloc.announce_vacancy(vacancy("vac-2", bag_id="0014010011060002"), DAY)
        made.append((alloc, [e for e in events if isinstance(e, CandidateProposed)]))
    (live, proposed), (twin, _) = made
    return live, twin, proposed


def replay_on(twin, events) -> list:
    redone = []
    for event in events:
        command = redo(to_contract(event))
        if command is not None:
            redone += command(twin)
    return redone


def test_answers_and_a_move_in_redone_leave_the_same_state():
    live, twin, (first, second) = pair()
    events = [*live.respond(first.proposal_id, "accepted", CORP, DAY),
              *live.respond(first.proposal_id, "accepted", CAND, DAY),
              *live.move_in(first.proposal_id, DAY + timedelta(days=9)),
              *live.respond(second.proposal_id, "declined", CORP, DAY,
                            reason="dwelling-not-suitable")]
    replay_on(twin, events)
    assert twin.snapshot() == live.snapshot()
    assert live.proposal(first.proposal_id).status is ProposalStatus.PLACED
    # the decline's follow-up proposal was decided again by the twin itself
    follow_up = [p.id for p in live.proposals("open")]
    assert len(follow_up) == 1 and [p.id for p in twin.proposals("open")] == follow_up


def test_an_expiry_and_a_cancellation_redone_leave_the_same_state():
    live, twin, (first, second) = pair()
    accepted = [*live.respond(first.proposal_id, "accepted", CORP, DAY),
                *live.respond(first.proposal_id, "accepted", CAND, DAY)]
    late = second.expires_on + timedelta(days=1)
    events = [*accepted, *live.expire_due(late),
              *live.cancel(first.proposal_id, CORP, "dwelling-unavailable", late)]
    replay_on(twin, events)
    assert twin.snapshot() == live.snapshot()
    assert live.proposal(second.proposal_id).status is ProposalStatus.EXPIRED


def test_only_the_acceptance_of_both_is_on_the_topic():
    """One party's acceptance emits nothing: the rebuild cannot know it, nor its day when the
    other party accepts later (OPERATIONS.md)."""
    live, twin, (first, _) = pair()
    assert live.respond(first.proposal_id, "accepted", CORP, DAY) == []
    assert twin.snapshot() != live.snapshot()
    later = live.respond(first.proposal_id, "accepted", CAND, DAY + timedelta(days=3))
    replay_on(twin, later)
    assert twin.proposal(first.proposal_id).status is ProposalStatus.ACCEPTED
    assert twin.snapshot() != live.snapshot()  # the corporation's day is the candidate's here
