"""Allocator flows: vacancy -> proposal -> accept by both -> move-in -> placement; decline,
expiry, parking, withdrawals and lettings outside the platform."""

from datetime import date, timedelta

import pytest
from allocation_builders import (
    GRONINGEN,
    OLDAMBT,
    PEKELA,
    WESTERKWARTIER,
    agreement,
    allocator,
    candidate,
    target,
    urgency,
    vacancy,
)

from services.allocation.domain import (
    CandidatePlaced,
    CandidateProposed,
    CandidateStatus,
    InvalidResponse,
    Letting,
    ProposalAccepted,
    ProposalDeclined,
    ProposalExpired,
    ProposalNotAccepted,
    ProposalNotOpen,
    ProposalStatus,
    UnknownProposal,
    VacancyLabelled,
    VacancyStatus,
)
from services.allocation.domain.ids import proposal_id
from shared.contracts.vocabulary import DecidedBy, TargetGroup, TenantType

DAY = date(2026, 3, 2)
CORP, CAND = DecidedBy.CORPORATION, DecidedBy.CANDIDATE


def types(events):
    return [type(e).__name__ for e in events]


def announce(alloc, vac=None, day=DAY):
    events = alloc.announce_vacancy(vac or vacancy(), day)
    proposed = [e for e in events if isinstance(e, CandidateProposed)]
    return events, (proposed[0] if proposed else None)


def test_happy_path_to_placement():
    alloc = allocator(candidate("c-1"))
    events, proposed = announce(alloc)
    assert types(events) == ["VacancyLabelled", "CandidateProposed"]
    assert events[0].labelled and proposed.candidate_id == "c-1"
    assert proposed.proposal_id == proposal_id("vac-1", "c-1", 1)
    assert proposed.expires_on == DAY + timedelta(days=7)
    assert proposed.explanation.ranked[0].candidate_id == "c-1"

    assert alloc.respond(proposed.proposal_id, "accepted", CORP, DAY) == []  # one party only
    accepted = alloc.respond(proposed.proposal_id, "accepted", CAND, DAY)
    assert types(accepted) == ["ProposalAccepted"]
    assert alloc.proposal(proposed.proposal_id).status is ProposalStatus.ACCEPTED

    [placed] = alloc.move_in(proposed.proposal_id, date(2026, 3, 20))
    assert isinstance(placed, CandidatePlaced)
    assert (placed.candidate_id, placed.vacancy_id, placed.municipality) == (
        "c-1", "vac-1", GRONINGEN)
    assert placed.target_group is TargetGroup.BESCHERMD_WONEN
    assert placed.urgency_granted_on == date(2026, 1, 5)
    assert alloc.vacancy("vac-1").status is VacancyStatus.PLACED
    assert alloc.candidate("c-1").status is CandidateStatus.PLACED
    assert alloc.realisation("2026")[GRONINGEN].placements == 1
    assert alloc.invariant_violations() == []


def test_move_in_needs_an_accepted_proposal():
    alloc = allocator(candidate("c-1"))
    _, proposed = announce(alloc)
    with pytest.raises(ProposalNotAccepted):
        alloc.move_in(proposed.proposal_id, DAY)
    with pytest.raises(UnknownProposal):
        alloc.move_in("nope", DAY)


def test_decline_records_who_and_why_and_proposes_the_next_candidate():
    alloc = allocator(candidate("c-1", urgency=urgency(granted_on=date(2026, 1, 1))),
                      candidate("c-2", urgency=urgency(granted_on=date(2026, 2, 1))))
    _, first = announce(alloc)
    assert first.candidate_id == "c-1"  # waited longer
    events = alloc.respond(first.proposal_id, "declined", CAND, DAY, reason="no-show")
    assert types(events) == ["ProposalDeclined", "CandidateProposed"]
    declined, second = events
    assert declined.decided_by is CAND and declined.reason_code == "no-show"
    assert declined.parked_until == DAY + timedelta(days=30)
    assert second.candidate_id == "c-2"
    assert second.proposal_id == proposal_id("vac-1", "c-2", 2)
    assert alloc.candidate("c-1").parked_until == DAY + timedelta(days=30)


def test_corporation_decline_with_a_non_parking_reason_parks_nobody():
    alloc = allocator(candidate("c-1"), candidate("c-2"))
    _, first = announce(alloc)
    declined, _ = alloc.respond(first.proposal_id, "declined", CORP, DAY,
                                reason="dwelling-not-suitable")
    assert declined.decided_by is CORP and declined.parked_until is None


def test_parked_candidate_is_skipped_until_parking_ends():
    alloc = allocator(candidate("c-1"), candidate("c-2"), park_days_by_reason={"weg": 10})
    _, first = announce(alloc)
    alloc.respond(first.proposal_id, "declined", CAND, DAY, reason="weg")  # c-2 next
    _, on_day_10 = announce(alloc, vacancy("vac-2"), DAY + timedelta(days=10))
    assert on_day_10 is None  # c-1 parked through day 10, c-2 engaged
    _, on_day_11 = announce(alloc, vacancy("vac-3"), DAY + timedelta(days=11))
    assert on_day_11.candidate_id == "c-1"


def test_last_candidate_declining_releases_the_vacancy():
    alloc = allocator(candidate("c-1"))
    _, first = announce(alloc)
    events = alloc.respond(first.proposal_id, "declined", CORP, DAY, reason="screening")
    assert types(events) == ["ProposalDeclined", "VacancyLabelled"]
    assert events[1].labelled is False and "vrijgegeven" in events[1].reason
    assert alloc.realisation("2026")[GRONINGEN].urgent_lettings == 0
    assert alloc.realisation("2026")[GRONINGEN].lettings == 1
    assert alloc.invariant_violations() == []


def test_decline_needs_a_reason_and_a_closed_proposal_refuses_answers():
    alloc = allocator(candidate("c-1"), candidate("c-2"))
    _, first = announce(alloc)
    with pytest.raises(InvalidResponse):
        alloc.respond(first.proposal_id, "declined", CAND, DAY, reason=" ")
    alloc.respond(first.proposal_id, "declined", CAND, DAY, reason="no-show")
    with pytest.raises(ProposalNotOpen):
        alloc.respond(first.proposal_id, "accepted", CORP, DAY)


def test_expiry_after_the_last_day_moves_to_the_next_candidate():
    alloc = allocator(candidate("c-1"), candidate("c-2"), proposal_expiry_days=5)
    _, first = announce(alloc)
    assert alloc.expire_due(DAY + timedelta(days=5)) == []  # last day to answer
    events = alloc.expire_due(DAY + timedelta(days=6))
    assert types(events) == ["ProposalExpired", "CandidateProposed"]
    assert events[0].proposal_id == first.proposal_id
    assert alloc.proposal(first.proposal_id).status is ProposalStatus.EXPIRED
    assert alloc.expire_due(DAY + timedelta(days=6)) == []  # done once


def test_accepted_proposals_do_not_expire():
    alloc = allocator(candidate("c-1"))
    _, first = announce(alloc)
    alloc.respond(first.proposal_id, "accepted", CORP, DAY)
    alloc.respond(first.proposal_id, "accepted", CAND, DAY)
    assert alloc.expire_due(DAY + timedelta(days=60)) == []


def test_controller_leaves_a_vacancy_regular_when_on_pace():
    alloc = allocator(*(candidate(f"c-{i}") for i in range(5)),
                      agreement_=agreement((target(GRONINGEN, 1, 4),)))
    first, _ = announce(alloc, vacancy("v-1"))
    second, _ = announce(alloc, vacancy("v-2"))
    assert first[0].labelled and not second[0].labelled
    assert "op schema" in second[0].reason


def test_no_eligible_candidate_means_no_label():
    alloc = allocator(candidate("c-1", excluded_municipalities=(OLDAMBT,)))
    events, proposed = announce(alloc, vacancy(municipality=OLDAMBT))
    assert proposed is None and events[0].labelled is False
    assert "geen geschikte kandidaat" in events[0].reason


def test_explanation_counts_the_excluded_per_rule_and_keeps_the_top_n():
    cands = [candidate(f"ok-{i}") for i in range(7)]
    cands += [candidate("big", household_size=5), candidate("none", urgency=None)]
    alloc = allocator(*cands, explanation_top_n=3)
    _, proposed = announce(alloc)
    explanation = proposed.explanation
    assert explanation.eligible_count == 7 and len(explanation.ranked) == 3
    assert explanation.excluded == {"no-urgency": 1, "too-few-rooms": 1}
    assert "achter op schema" in explanation.label_reason


def test_withdrawn_vacancy_closes_its_proposal_without_parking():
    alloc = allocator(candidate("c-1"))
    _, proposed = announce(alloc)
    [declined] = alloc.withdraw_vacancy("vac-1", DAY)
    assert isinstance(declined, ProposalDeclined)
    assert declined.reason_code == "vacancy-withdrawn" and declined.parked_until is None
    assert alloc.realisation("2026")[GRONINGEN].lettings == 0
    _, again = announce(alloc, vacancy("vac-2"))
    assert again.candidate_id == "c-1"  # free for another dwelling


def test_withdrawn_candidate_frees_the_vacancy_for_the_next():
    alloc = allocator(candidate("c-1", urgency=urgency(granted_on=date(2026, 1, 1))),
                      candidate("c-2"))
    _, proposed = announce(alloc)
    events = alloc.withdraw_candidate("c-1", DAY)
    # the candidacy ended: the proposal is withdrawn, not declined by anyone (issue 12)
    assert types(events) == ["ProposalWithdrawn", "CandidateProposed"]
    assert events[0].reason_code == "candidate-withdrawn" and events[1].candidate_id == "c-2"
    assert alloc.withdraw_candidate("c-1", DAY) == []


def test_letting_outside_the_platform_closes_the_proposal_and_counts_once():
    alloc = allocator(candidate("c-1"))
    announce(alloc)
    letting = Letting("vac-1", "0014010011067299", GRONINGEN, "lefier", TenantType.REGULAR,
                      DAY)
    [declined] = alloc.record_letting(letting)
    assert declined.reason_code == "let-outside-platform"
    assert alloc.record_letting(letting) == []
    counts = alloc.realisation("2026")[GRONINGEN]
    assert (counts.lettings, counts.urgent_lettings) == (1, 0)


def test_letting_of_an_unseen_vacancy_counts_for_the_pace():
    alloc = allocator(candidate("c-1"), agreement_=agreement((target(PEKELA, 1, 4),)))
    for i in range(3):
        alloc.record_letting(Letting(f"ext-{i}", "0765010000000001", PEKELA, "acantus",
                                     TenantType.REGULAR, DAY))
    alloc.record_letting(Letting("ext-u", "0765010000000002", PEKELA, "acantus",
                                 TenantType.URGENT, DAY))
    events, _ = announce(alloc, vacancy(municipality=PEKELA))
    assert events[0].labelled is False  # 1 urgent of 4 lettings: target already met
    assert alloc.realisation("2026")[PEKELA].lettings == 5


def test_placement_reported_back_as_a_letting_is_not_counted_twice():
    alloc = allocator(candidate("c-1"))
    _, proposed = announce(alloc)
    alloc.respond(proposed.proposal_id, "accepted", CORP, DAY)
    alloc.respond(proposed.proposal_id, "accepted", CAND, DAY)
    alloc.move_in(proposed.proposal_id, DAY)
    alloc.record_letting(Letting("vac-1", "0014010011067299", GRONINGEN, "lefier",
                                 TenantType.URGENT, DAY))
    counts = alloc.realisation("2026")[GRONINGEN]
    assert (counts.placements, counts.urgent_lettings, counts.lettings) == (1, 1, 1)


def test_simultaneous_vacancies_go_to_the_municipality_furthest_behind():
    # One candidate, two vacancies: Westerkwartier is further behind than Groningen.
    alloc = allocator(candidate("c-1"), agreement_=agreement(
        (target(GRONINGEN, 2, 100), target(WESTERKWARTIER, 10, 40))))
    vacs = [vacancy("v-g", municipality=GRONINGEN), vacancy("v-w", municipality=WESTERKWARTIER)]
    events = alloc.announce_vacancies(vacs, DAY)
    proposed = [e for e in events if isinstance(e, CandidateProposed)]
    assert [p.vacancy_id for p in proposed] == ["v-w"]
    labels = {e.vacancy_id: e.labelled for e in events if isinstance(e, VacancyLabelled)}
    assert labels == {"v-w": True, "v-g": False}


def test_no_agreement_in_force_labels_nothing():
    alloc = allocator(candidate("c-1"), agreement_=agreement(period="2025"))
    events, proposed = announce(alloc)
    assert proposed is None and "geen geldende afspraak" in events[0].reason


def test_half_year_agreement_takes_precedence_and_counts_by_half():
    alloc = allocator(candidate("c-1"), candidate("c-2"))
    alloc.upsert_agreement(agreement((target(GRONINGEN, 1, 10),), period="2026-H1"))
    announce(alloc, vacancy("v-1"))
    events, _ = announce(alloc, vacancy("v-2"))
    assert events[0].labelled is False  # H1 target of 1 met; the year's 50 does not apply
    assert alloc.fair_share(GRONINGEN, DAY).period == "2026-H1"


def test_newer_agreement_version_replaces_an_older_and_an_older_is_ignored():
    alloc = allocator(candidate("c-1"))
    alloc.upsert_agreement(agreement((target(GRONINGEN, 0, 10),), version=2))
    alloc.upsert_agreement(agreement(version=1))
    assert alloc.fair_share(GRONINGEN, DAY).target == 0
    alloc.upsert_agreement(agreement(version=1, scope="Oost-Groningen"))
    assert alloc.agreement_on(DAY).version == 2


def test_profile_update_keeps_allocation_state():
    alloc = allocator(candidate("c-1"))
    _, proposed = announce(alloc)
    alloc.respond(proposed.proposal_id, "declined", CAND, DAY, reason="no-show")
    alloc.upsert_candidate(candidate("c-1", household_size=2, urgency=None))
    cand = alloc.candidate("c-1")
    assert cand.household_size == 2
    assert cand.urgency is not None and cand.parked_until is not None


def test_expired_urgency_makes_a_candidate_ineligible():
    alloc = allocator(candidate("c-1"))
    alloc.expire_urgency("c-1", DAY)
    events, proposed = announce(alloc)
    assert proposed is None and not events[0].labelled


def test_placement_moves_the_count_to_the_move_in_period():
    alloc = allocator(candidate("c-1"))
    _, proposed = announce(alloc, day=date(2026, 6, 28))
    alloc.respond(proposed.proposal_id, "accepted", CORP, date(2026, 6, 29))
    alloc.respond(proposed.proposal_id, "accepted", CAND, date(2026, 6, 29))
    assert alloc.realisation("2026-H1")[GRONINGEN].urgent_lettings == 1
    alloc.move_in(proposed.proposal_id, date(2026, 7, 1))
    assert alloc.realisation("2026-H1")[GRONINGEN].urgent_lettings == 0
    assert alloc.realisation("2026-H2")[GRONINGEN].placements == 1
    assert alloc.realisation("2026")[GRONINGEN].placements == 1


def test_realisation_reports_target_and_expected_to_date():
    alloc = allocator(candidate("c-1"), agreement_=agreement((target(GRONINGEN, 10, 40),)))
    announce(alloc)
    view = alloc.realisation("2026")[GRONINGEN]
    assert (view.target, view.lettings, view.expected_to_date) == (10, 1, 0.25)
