"""The notices a batch of events leaves behind: written when the unit of work commits, applied
in the order of the events (the portal's consumer hands a whole batch to one unit of work)."""

from __future__ import annotations

import pytest
from factories import CANDIDATE_ID, PROPOSAL_ID, sample_event

from services.portal.notifications.consumer import apply_event
from services.portal.notifications.model import Kind
from services.portal.notifications.store import INFRA, NotificationsUnitOfWork, create_tables
from shared.contracts import events as ev
from shared.contracts.envelope import decode, encode
from shared.contracts.vocabulary import Role
from shared.db import make_engine


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'notices.db'}")
    create_tables(engine)
    return engine


def apply_batch(engine, *events: ev.Event, commit: bool = True) -> None:
    with NotificationsUnitOfWork(engine, INFRA, "/test") as uow:
        for event in events:
            apply_event(uow, decode(encode(event, source="/test")))
        if commit:
            uow.commit()
        else:
            uow.rollback()


def open_notices(engine, org: str, role: Role) -> list[tuple[Kind, str]]:
    with NotificationsUnitOfWork(engine, INFRA, "/test") as uow:
        return [(n.notice.kind, n.notice.ref) for n in uow.notices.open_for(org, role)]


def test_a_decision_in_the_same_batch_settles_the_registration_it_follows(engine):
    apply_batch(engine, sample_event(ev.CandidateRegistered), sample_event(ev.UrgencyGranted))

    assert open_notices(engine, "GM0014", Role.MUNICIPALITY) == []


def test_a_decision_before_the_registration_settles_nothing_raised_after_it(engine):
    apply_batch(engine, sample_event(ev.UrgencyGranted), sample_event(ev.CandidateRegistered))

    assert open_notices(engine, "GM0014", Role.MUNICIPALITY) == [
        (Kind.DECISION_TO_TAKE, CANDIDATE_ID)]


def test_a_later_batch_settles_what_an_earlier_one_raised_and_a_replay_adds_nothing(engine):
    registered = sample_event(ev.CandidateRegistered)
    apply_batch(engine, registered)
    apply_batch(engine, registered)  # redelivered: still one notice
    assert open_notices(engine, "GM0014", Role.MUNICIPALITY) == [
        (Kind.DECISION_TO_TAKE, CANDIDATE_ID)]

    apply_batch(engine, sample_event(ev.UrgencyRefused))

    assert open_notices(engine, "GM0014", Role.MUNICIPALITY) == []


def test_one_batch_settles_the_notices_of_several_earlier_batches(engine):
    first, second = (sample_event(ev.CandidateRegistered, candidate_id=c) for c in ("c-1", "c-2"))
    apply_batch(engine, first)
    apply_batch(engine, second)

    apply_batch(engine, sample_event(ev.UrgencyGranted, candidate_id="c-1"),
                sample_event(ev.UrgencyRefused, candidate_id="c-2"))

    assert open_notices(engine, "GM0014", Role.MUNICIPALITY) == []


def test_a_stall_finds_the_corporation_of_a_proposal_from_the_same_batch(engine):
    apply_batch(engine, sample_event(ev.CandidateProposed, corporation="lefier"),
                sample_event(ev.ProposalStalled))

    assert open_notices(engine, "lefier", Role.CORPORATION) == [
        (Kind.STALLED_PROPOSAL, PROPOSAL_ID), (Kind.PROPOSAL_TO_ANSWER, PROPOSAL_ID)]

    apply_batch(engine, sample_event(ev.ProposalAccepted))
    assert open_notices(engine, "lefier", Role.CORPORATION) == []


def test_a_batch_rolled_back_leaves_no_notice(engine):
    apply_batch(engine, sample_event(ev.CandidateProposed, corporation="lefier"), commit=False)

    assert open_notices(engine, "lefier", Role.CORPORATION) == []
