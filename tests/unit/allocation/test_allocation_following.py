"""Rebuilding an Allocator from its recorded decisions: the same inputs as commands, the
labels and proposals taken from the events the deciding Allocator emitted, and the state is
the same as the deciding Allocator's, snapshot for snapshot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from allocation_builders import (
    GRONINGEN,
    OLDAMBT,
    PEKELA,
    agreement,
    allocator,
    candidate,
    target,
    urgency,
    vacancy,
)

from services.allocation.domain import (
    AllocationPolicy,
    CandidateProposed,
    Letting,
    VacancyLabelled,
)
from services.allocation.domain.following import FollowingAllocator
from shared.contracts.vocabulary import DecidedBy, TargetGroup, TenantType

DAY = date(2026, 3, 2)
CORP, CAND = DecidedBy.CORPORATION, DecidedBy.CANDIDATE

Step = Callable[[object], list]


def follow(follower: FollowingAllocator, events: list) -> None:
    for event in events:
        if isinstance(event, VacancyLabelled):
            follower.follow_label(event.vacancy_id, event.labelled, event.reason,
                                  event.decided_on)
        elif isinstance(event, CandidateProposed):
            follower.follow_proposal(event.proposal_id, event.vacancy_id, event.candidate_id,
                                     event.target_group, event.proposed_on, event.expires_on,
                                     event.explanation)


def test_a_year_of_decisions_rebuilds_the_same_state_without_deciding():
    leader = allocator(agreement_=agreement((target(GRONINGEN, 6, 20), target(OLDAMBT, 2, 10),
                                             target(PEKELA, 1, 10))))
    follower = FollowingAllocator(leader.scope, AllocationPolicy())
    inputs: list[Step] = [lambda a: a.upsert_agreement(agreement(
        (target(GRONINGEN, 6, 20), target(OLDAMBT, 2, 10), target(PEKELA, 1, 10))))]
    for ref in leader._municipalities.values():
        inputs.insert(0, lambda a, ref=ref: a.upsert_municipality(ref))
    for n in range(6):
        cid = f"c-{n}"
        cand = candidate(cid, urgency=None,
                         target_group=TargetGroup.MEDISCH if n % 2 else
                         TargetGroup.BESCHERMD_WONEN)
        granted = urgency(granted_on=DAY - timedelta(days=10 - n))
        inputs += [lambda a, c=cand: a.upsert_candidate(c),
                   lambda a, c=cid, g=granted: a.grant_urgency(c, g)]
    for n, where in enumerate((GRONINGEN, OLDAMBT, GRONINGEN, PEKELA, GRONINGEN)):
        vac = vacancy(f"v-{n}", municipality=where, bag_id=f"001401001106{n:04d}")
        inputs.append(lambda a, v=vac, n=n: a.announce_vacancy(v, DAY + timedelta(days=n)))
    later = DAY + timedelta(days=6)

    def answers(a):
        events = []
        for proposal in [p for p in a.proposals() if p.vacancy_id == "v-0"]:
            events += a.respond(proposal.id, "declined", CAND, later, "no-show")
        return events

    def accept_and_move_in(a):
        open_ = [p for p in a.proposals(status="open") if p.vacancy_id == "v-1"]
        events = []
        for proposal in open_:
            events += a.respond(proposal.id, "accepted", CORP, later)
            events += a.respond(proposal.id, "accepted", CAND, later)
            events += a.move_in(proposal.id, later + timedelta(days=10))
        return events

    inputs += [
        answers,
        accept_and_move_in,
        lambda a: a.expire_due(later + timedelta(days=30)),
        lambda a: a.withdraw_candidate("c-5", later + timedelta(days=31)),
        lambda a: a.record_letting(Letting("v-4", "0014010011060004", GRONINGEN, "lefier",
                                           TenantType.REGULAR, later + timedelta(days=32))),
    ]
    decided = 0
    for step in inputs:
        recorded = step(leader)
        decided += sum(isinstance(e, (VacancyLabelled, CandidateProposed)) for e in recorded)
        own = step(follower)
        assert not any(isinstance(e, (VacancyLabelled, CandidateProposed)) for e in own)
        follow(follower, recorded)

    assert decided >= 8  # labels, first proposals, proposals after declines and expiry
    assert len(leader.placements()) == 1
    assert follower.snapshot() == leader.snapshot()
    assert follower.invariant_violations() == []


def test_a_repeated_recorded_proposal_changes_nothing():
    leader = allocator(candidate("c-1"))
    follower = FollowingAllocator(leader.scope, leader.policy)
    for step in (lambda a: [e for ref in allocator()._municipalities.values()
                            for e in a.upsert_municipality(ref)],
                 lambda a: a.upsert_agreement(agreement()),
                 lambda a: a.upsert_candidate(candidate("c-1")),
                 lambda a: a.announce_vacancy(vacancy("v-1"), DAY)):
        recorded = step(leader)
        step(follower)
        follow(follower, recorded)
        follow(follower, recorded)
    assert follower.snapshot() == leader.snapshot()
    assert len(follower.proposals()) == 1
