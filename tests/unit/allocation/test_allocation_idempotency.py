"""Each input that carries an id, delivered again, returns no events and changes nothing."""

from datetime import date

import pytest
from allocation_builders import GRONINGEN, allocator, candidate, urgency, vacancy

from services.allocation.domain import Letting, UnknownCandidate
from shared.contracts.vocabulary import TenantType

DAY = date(2026, 3, 2)


@pytest.fixture
def alloc():
    alloc = allocator(candidate("c-1"), candidate("c-2"))
    alloc.announce_vacancy(vacancy("v-1"), DAY)
    return alloc


def open_id(alloc):
    return alloc.proposals("open")[0].id


def assert_redelivery_is_a_no_op(alloc, method, *args):
    before = alloc.snapshot()
    assert getattr(alloc, method)(*args) == []
    assert alloc.snapshot() == before


def test_announce_again(alloc):
    assert_redelivery_is_a_no_op(alloc, "announce_vacancy", vacancy("v-1"), DAY)
    assert_redelivery_is_a_no_op(alloc, "announce_vacancies", [vacancy("v-1")], DAY)


def test_accept_again(alloc):
    pid = open_id(alloc)
    alloc.respond(pid, "accepted", "corporation", DAY)
    assert_redelivery_is_a_no_op(alloc, "respond", pid, "accepted", "corporation", DAY)
    alloc.respond(pid, "accepted", "candidate", DAY)
    assert_redelivery_is_a_no_op(alloc, "respond", pid, "accepted", "candidate", DAY)


def test_decline_again_does_not_skip_a_second_candidate(alloc):
    pid = open_id(alloc)
    alloc.respond(pid, "declined", "candidate", DAY, "no-show")
    assert_redelivery_is_a_no_op(alloc, "respond", pid, "declined", "candidate", DAY, "no-show")
    assert len(alloc.proposals("open")) == 1


def test_move_in_again(alloc):
    pid = open_id(alloc)
    alloc.respond(pid, "accepted", "corporation", DAY)
    alloc.respond(pid, "accepted", "candidate", DAY)
    alloc.move_in(pid, DAY)
    assert_redelivery_is_a_no_op(alloc, "move_in", pid, DAY)


def test_withdrawals_again(alloc):
    alloc.withdraw_vacancy("v-1", DAY)
    assert_redelivery_is_a_no_op(alloc, "withdraw_vacancy", "v-1", DAY)
    alloc.withdraw_candidate("c-2", DAY)
    assert_redelivery_is_a_no_op(alloc, "withdraw_candidate", "c-2", DAY)


def test_letting_again(alloc):
    letting = Letting("v-9", "0014010011067200", GRONINGEN, "lefier", TenantType.URGENT, DAY)
    alloc.record_letting(letting)
    assert_redelivery_is_a_no_op(alloc, "record_letting", letting)


def test_reference_data_and_urgency_again(alloc):
    assert_redelivery_is_a_no_op(alloc, "upsert_candidate", candidate("c-2"))
    assert_redelivery_is_a_no_op(alloc, "grant_urgency", "c-2", urgency())
    alloc.expire_urgency("c-2", DAY)
    assert_redelivery_is_a_no_op(alloc, "expire_urgency", "c-2", DAY)


def test_expire_due_twice_on_one_day(alloc):
    alloc.expire_due(date(2026, 3, 20))
    assert_redelivery_is_a_no_op(alloc, "expire_due", date(2026, 3, 20))


def test_refusal_leaves_no_trace(alloc):
    before = alloc.snapshot()
    with pytest.raises(UnknownCandidate):
        alloc.grant_urgency("nobody", urgency())
    assert alloc.snapshot() == before
