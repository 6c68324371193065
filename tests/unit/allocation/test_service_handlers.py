"""The API's use cases through the message bus, on SQLite: answers, move-in, expiry, scoping."""

from __future__ import annotations

from datetime import date

import pytest
from allocation_service_helpers import harness, scenario  # noqa: F401  (fixtures)

from services.allocation.domain import Decision, ProposalNotAccepted, ProposalNotOpen
from services.allocation.service import commands as c
from services.allocation.service.errors import Forbidden, InvalidInput, NotFound
from shared.auth import Caller
from shared.contracts.envelope import decode
from shared.contracts.vocabulary import DecidedBy, Role

LEFIER = Caller("lefier", Role.CORPORATION)
LENTIS = Caller("lentis", Role.CARE_PROVIDER)


@pytest.fixture
def proposed(harness, scenario) -> str:
    harness.feed(*scenario.setup("c-1", "c-2"), scenario.vacancy("v-1"))
    [row] = harness.proposals()
    return row.id


def answer(harness, proposal_id, caller, party, decision="accepted", reason_code=None):
    return harness.bus.handle(c.RespondToProposal(caller, proposal_id, Decision(decision),
                                                  DecidedBy(party), reason_code)).proposal


def event_types(harness) -> list[str]:
    return [type(decode(r.payload).event).__name__ for r in harness.outbox()]


def test_accepted_by_both_then_moved_in_is_a_placement(harness, proposed):
    first = answer(harness, proposed, LEFIER, "corporation")
    assert first.status == "open" and first.responses["corporation"]["decision"] == "accepted"
    both = answer(harness, proposed, LENTIS, "candidate")
    assert both.status == "accepted"

    placement = harness.bus.handle(c.ReportMoveIn(LEFIER, proposed, date(2026, 4, 1)))

    assert (placement.proposal_id, placement.move_in_date) == (proposed, date(2026, 4, 1))
    assert harness.proposals()[0].status == "placed"
    assert event_types(harness)[-2:] == ["ProposalAccepted", "CandidatePlaced"]
    placed = decode(harness.outbox()[-1].payload)
    assert placed.event.placement_id == placement.id
    assert placed.event.candidate_id == placement.candidate_id
    # reported twice (a retry): the same placement, no second event
    again = harness.bus.handle(c.ReportMoveIn(LEFIER, proposed, date(2026, 4, 1)))
    assert again.id == placement.id and event_types(harness).count("CandidatePlaced") == 1


def test_a_decline_records_who_and_why_and_the_next_candidate_is_proposed(harness, proposed):
    declined = answer(harness, proposed, LENTIS, "candidate", "declined", "no-show")
    assert (declined.status, declined.closed_by, declined.close_reason) == (
        "declined", "candidate", "no-show")
    [nxt] = harness.proposals(status="open")
    assert nxt.attempt == 2 and nxt.candidate_id != declined.candidate_id
    declined_event = [decode(r.payload).event for r in harness.outbox()
                      if type(decode(r.payload).event).__name__ == "ProposalDeclined"][0]
    assert declined_event.parked_until == date(2026, 4, 1)  # no-show parks for 30 days


def test_repeating_an_answer_changes_nothing_and_a_late_one_is_refused(harness, proposed):
    answer(harness, proposed, LEFIER, "corporation", "declined", "corporation-screening")
    outbox = len(harness.outbox())
    answer(harness, proposed, LEFIER, "corporation", "declined", "corporation-screening")
    assert len(harness.outbox()) == outbox
    with pytest.raises(ProposalNotOpen):
        answer(harness, proposed, LENTIS, "candidate")


def test_a_move_in_needs_an_accepted_proposal_and_a_sensible_date(harness, proposed):
    with pytest.raises(ProposalNotAccepted):
        harness.bus.handle(c.ReportMoveIn(LEFIER, proposed, date(2026, 4, 1)))
    with pytest.raises(InvalidInput) as refused:
        harness.bus.handle(c.ReportMoveIn(LEFIER, proposed, date(2026, 2, 1)))
    assert refused.value.field == "date"


def test_parties_answer_only_for_themselves_and_outsiders_learn_nothing(harness, proposed):
    with pytest.raises(Forbidden):
        answer(harness, proposed, LEFIER, "candidate")
    with pytest.raises(Forbidden):
        answer(harness, proposed, LENTIS, "corporation")
    with pytest.raises(NotFound):
        answer(harness, proposed, Caller("nijestee", Role.CORPORATION), "corporation")
    with pytest.raises(NotFound):
        harness.bus.handle(c.ReadProposal(Caller("GM1895", Role.MUNICIPALITY), proposed))
    with pytest.raises(NotFound):
        harness.bus.handle(c.ReadProposal(LEFIER, "no-such-proposal"))


def test_lists_are_scoped_and_filtered_by_status(harness, proposed):
    assert harness.bus.handle(c.ListProposals(LEFIER)).total == 1
    assert harness.bus.handle(c.ListProposals(LEFIER, status="accepted")).total == 0
    assert harness.bus.handle(c.ListProposals(Caller("nijestee", Role.CORPORATION))).total == 0
    assert harness.bus.handle(c.ListProposals(Caller("GM0014", Role.MUNICIPALITY))).total == 1
    assert harness.bus.handle(c.ListProposals(Caller("x", Role.ADMIN))).total == 1


def test_expiry_moves_the_vacancy_on_once_and_only_once(harness, proposed):
    assert harness.bus.handle(c.ExpireDueProposals(date(2026, 3, 16))) == 0  # last day
    version = harness.allocator()[0]
    assert harness.bus.handle(c.ExpireDueProposals(date(2026, 3, 16))) == 0
    assert harness.allocator()[0] == version  # nothing due: nothing written

    emitted = harness.bus.handle(c.ExpireDueProposals(date(2026, 3, 17)))
    assert emitted == 2  # expired, and the next proposal
    assert harness.bus.handle(c.ExpireDueProposals(date(2026, 3, 17))) == 0
    statuses = sorted(r.status for r in harness.proposals())
    assert statuses == ["expired", "open"]


def test_a_placement_is_read_by_its_parties_only(harness, proposed):
    answer(harness, proposed, LEFIER, "corporation")
    answer(harness, proposed, LENTIS, "candidate")
    placement = harness.bus.handle(c.ReportMoveIn(LEFIER, proposed, date(2026, 4, 1)))
    assert harness.bus.handle(c.ReadPlacement(LENTIS, placement.id)).id == placement.id
    assert harness.bus.handle(c.ListPlacements(Caller("GM0014", Role.MUNICIPALITY))).total == 1
    with pytest.raises(NotFound):
        harness.bus.handle(c.ReadPlacement(Caller("cosis", Role.CARE_PROVIDER), placement.id))
