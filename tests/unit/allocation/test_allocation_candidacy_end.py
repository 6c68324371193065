"""Issue 12: a candidacy ends at once when the urgency is refused, revoked, expired or lapses,
or the candidate is withdrawn or erased; an accepted proposal can be cancelled."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from allocation_builders import (
    CATEGORIES,
    agreement,
    allocator,
    candidate,
    urgency,
    vacancy,
)

from services.allocation.domain import (
    CandidateLapsed,
    CandidateProposed,
    ProposalCancelled,
    ProposalNotCancellable,
    ProposalStatus,
    ProposalWithdrawn,
)
from services.allocation.domain.allocator import URGENCY_REFUSED, URGENCY_REVOKED
from shared.contracts.vocabulary import DecidedBy

DAY = date(2026, 3, 2)
CORP, CAND = DecidedBy.CORPORATION, DecidedBy.CANDIDATE


def types(events):
    return [type(e).__name__ for e in events]


def proposed_in(events) -> CandidateProposed | None:
    return next((e for e in events if isinstance(e, CandidateProposed)), None)


def two_candidates():
    # c-1 waited longest: proposed first
    return allocator(candidate("c-1", urgency=urgency(granted_on=date(2026, 1, 1))),
                     candidate("c-2", urgency=urgency(granted_on=date(2026, 2, 1))))


@pytest.mark.parametrize("end", [
    lambda a: a.end_urgency("c-1", DAY, URGENCY_REVOKED),
    lambda a: a.end_urgency("c-1", DAY, URGENCY_REFUSED),
    lambda a: a.expire_urgency("c-1", DAY),
    lambda a: a.withdraw_candidate("c-1", DAY),
    lambda a: a.withdraw_candidate("c-1", DAY, "candidate-erased"),
])
def test_an_ended_candidacy_withdraws_the_open_proposal_and_the_vacancy_moves_on(end):
    alloc = two_candidates()
    first = proposed_in(alloc.announce_vacancy(vacancy(), DAY))
    assert first.candidate_id == "c-1"
    events = end(alloc)
    assert types(events) == ["ProposalWithdrawn", "CandidateProposed"]
    assert events[0].proposal_id == first.proposal_id and events[0].reason_code
    assert events[1].candidate_id == "c-2"
    assert alloc.proposal(first.proposal_id).status is ProposalStatus.WITHDRAWN
    assert alloc.invariant_violations() == []


def test_a_revoked_candidate_is_not_proposed_again_until_granted_anew():
    alloc = two_candidates()
    alloc.announce_vacancy(vacancy(), DAY)
    alloc.end_urgency("c-1", DAY, URGENCY_REVOKED)
    other = proposed_in(alloc.announce_vacancy(vacancy("vac-2", bag_id="b-2"), DAY))
    assert other is None or other.candidate_id != "c-1"
    alloc.grant_urgency("c-1", urgency(granted_on=DAY + timedelta(days=1)))
    again = proposed_in(alloc.announce_vacancy(vacancy("vac-3", bag_id="b-3"),
                                               DAY + timedelta(days=1)))
    assert again.candidate_id == "c-1"


def test_an_end_dated_before_the_current_grant_belongs_to_an_earlier_urgency():
    alloc = two_candidates()
    alloc.announce_vacancy(vacancy(), DAY)
    assert alloc.end_urgency("c-1", date(2025, 12, 1), URGENCY_REVOKED) == []
    assert alloc.candidate("c-1").urgency is not None


def test_an_urgency_ending_leaves_an_accepted_proposal_standing():
    alloc = two_candidates()
    first = proposed_in(alloc.announce_vacancy(vacancy(), DAY))
    alloc.respond(first.proposal_id, "accepted", CORP, DAY)
    alloc.respond(first.proposal_id, "accepted", CAND, DAY)
    assert alloc.end_urgency("c-1", DAY, URGENCY_REVOKED) == []
    assert alloc.proposal(first.proposal_id).status is ProposalStatus.ACCEPTED


def test_cancelling_an_accepted_proposal_frees_the_vacancy_and_the_candidate():
    alloc = two_candidates()
    first = proposed_in(alloc.announce_vacancy(vacancy(), DAY))
    alloc.respond(first.proposal_id, "accepted", CORP, DAY)
    alloc.respond(first.proposal_id, "accepted", CAND, DAY)
    events = alloc.cancel(first.proposal_id, CORP, "dwelling-unavailable", DAY)
    assert types(events) == ["ProposalCancelled", "CandidateProposed"]
    assert isinstance(events[0], ProposalCancelled) and events[0].cancelled_by is CORP
    assert events[1].candidate_id == "c-2"
    assert alloc.cancel(first.proposal_id, CORP, "dwelling-unavailable", DAY) == []
    # the candidate is free for another dwelling: active, urgent, no live proposal, unparked
    freed = alloc.candidate("c-1")
    assert freed.status.value == "active" and freed.urgency is not None
    assert freed.parked_until is None
    assert not [p for p in alloc.proposals() if p.candidate_id == "c-1" and p.is_live]
    assert alloc.invariant_violations() == []


def test_only_an_accepted_proposal_can_be_cancelled():
    alloc = two_candidates()
    first = proposed_in(alloc.announce_vacancy(vacancy(), DAY))
    with pytest.raises(ProposalNotCancellable):
        alloc.cancel(first.proposal_id, CORP, "other", DAY)


def lapsing_agreement(**rule):
    first = replace(CATEGORIES[0], **rule)
    categories = tuple(replace(c, **rule) for c in CATEGORIES) if rule else CATEGORIES
    assert first in categories
    return agreement(categories=categories)


def test_urgency_lapses_after_n_refusals_by_the_candidate_side():
    # no parking, so the candidate is proposed again the same day
    alloc = allocator(candidate("c-1"), agreement_=lapsing_agreement(lapse_after_refusals=2),
                      park_days_by_reason={})
    for index in (1, 2):
        proposal = proposed_in(alloc.announce_vacancy(vacancy(f"vac-{index}",
                                                              bag_id=f"b-{index}"), DAY))
        events = alloc.respond(proposal.proposal_id, "declined", CAND, DAY,
                               "refused-without-valid-reason")
    lapsed = [e for e in events if isinstance(e, CandidateLapsed)]
    assert len(lapsed) == 1 and lapsed[0].reason_code == "refusals" and lapsed[0].count == 2
    assert alloc.candidate("c-1").urgency is None
    assert proposed_in(alloc.announce_vacancy(vacancy("vac-9", bag_id="b-9"), DAY)) is None


def test_a_decline_with_a_valid_reason_does_not_count_towards_a_lapse():
    alloc = allocator(candidate("c-1"), agreement_=lapsing_agreement(lapse_after_refusals=1))
    proposal = proposed_in(alloc.announce_vacancy(vacancy(), DAY))
    events = alloc.respond(proposal.proposal_id, "declined", CAND, DAY, "dwelling-not-suitable")
    assert not [e for e in events if isinstance(e, CandidateLapsed)]
    assert alloc.candidate("c-1").urgency is not None and alloc.candidate("c-1").refusals == 0


def test_declines_by_the_corporation_do_not_count_towards_a_lapse():
    alloc = allocator(candidate("c-1"), agreement_=lapsing_agreement(lapse_after_refusals=1))
    proposal = proposed_in(alloc.announce_vacancy(vacancy(), DAY))
    events = alloc.respond(proposal.proposal_id, "declined", CORP, DAY, "corporation-screening")
    assert not [e for e in events if isinstance(e, CandidateLapsed)]
    assert alloc.candidate("c-1").urgency is not None


def test_urgency_lapses_after_n_unanswered_proposals():
    alloc = allocator(candidate("c-1"), agreement_=lapsing_agreement(lapse_after_unanswered=1))
    proposed_in(alloc.announce_vacancy(vacancy(), DAY))
    events = alloc.expire_due(DAY + timedelta(days=30))
    assert types(events)[:2] == ["ProposalExpired", "CandidateLapsed"]
    assert events[1].reason_code == "unanswered"


def test_without_a_lapse_rule_refusals_never_end_the_urgency():
    alloc = allocator(candidate("c-1"), park_days_by_reason={})
    for index in range(3):
        proposal = proposed_in(alloc.announce_vacancy(vacancy(f"vac-{index}",
                                                              bag_id=f"b-{index}"), DAY))
        events = alloc.respond(proposal.proposal_id, "declined", CAND, DAY,
                               "refused-without-valid-reason")
        assert not [e for e in events if isinstance(e, CandidateLapsed)]


def test_an_extension_keeps_the_lapse_count_and_a_new_grant_resets_it():
    alloc = allocator(candidate("c-1"), agreement_=lapsing_agreement(lapse_after_refusals=2))
    proposal = proposed_in(alloc.announce_vacancy(vacancy(), DAY))
    alloc.respond(proposal.proposal_id, "declined", CAND, DAY,
                  "refused-without-valid-reason")
    current = alloc.candidate("c-1").urgency
    alloc.grant_urgency("c-1", replace(current, valid_until=current.valid_until
                                       + timedelta(days=90)))
    assert alloc.candidate("c-1").refusals == 1
    alloc.grant_urgency("c-1", replace(current, granted_on=DAY))
    assert alloc.candidate("c-1").refusals == 0


def test_withdrawn_event_matches_its_contract():
    from services.allocation.service.outbound import to_contract

    alloc = two_candidates()
    alloc.announce_vacancy(vacancy(), DAY)
    withdrawn = alloc.end_urgency("c-1", DAY, URGENCY_REVOKED)[0]
    assert isinstance(withdrawn, ProposalWithdrawn)
    assert to_contract(withdrawn).wire()["reasonCode"] == "urgency-revoked"
