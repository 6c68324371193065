"""The aggregate survives its JSON document: same state, and it goes on deciding the same."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from allocation_builders import candidate, urgency, vacancy
from allocation_commands import (
    CANDIDATE_IDS,
    CODES,
    START,
    VACANCY_IDS,
    candidate_st,
    decision_st,
    fitting_candidate_st,
    fresh_allocator,
    letting,
    party_st,
    reason_st,
    urgency_st,
    vacancy_st,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from services.allocation.adapters import state_codec
from services.allocation.domain import AllocationError, AllocationPolicy, Allocator
from shared.contracts.vocabulary import TenantType


def round_trip(allocator: Allocator) -> Allocator:
    text = json.dumps(state_codec.to_document(allocator))
    return state_codec.from_document(json.loads(text), allocator.policy)


def test_every_attribute_of_the_aggregate_is_handled():
    # a new attribute in the domain must be added to the codec, or this fails
    assert set(vars(Allocator())) == state_codec.STATE_ATTRIBUTES


def test_a_lived_in_aggregate_round_trips_to_the_same_state():
    alloc = fresh_allocator()
    for cid in ("c-1", "c-2", "c-3"):
        alloc.upsert_candidate(candidate(cid, urgency=urgency(granted_on=date(2026, 1, 5))))
    day = date(2026, 3, 2)
    first = alloc.announce_vacancy(vacancy("v-1"), day)[-1].proposal_id
    alloc.respond(first, "declined", "candidate", day, reason="no-show")  # parks c-?
    second = alloc.proposals("open")[0].id
    alloc.respond(second, "accepted", "corporation", day)
    alloc.respond(second, "accepted", "candidate", day)
    alloc.move_in(second, date(2026, 4, 1))
    alloc.announce_vacancy(vacancy("v-2", bag_id="0014010011060002"), day)
    alloc.record_letting(letting("v-9", "GM0014", TenantType.URGENT, day))
    alloc.withdraw_candidate("c-3", day)

    copy = round_trip(alloc)

    assert copy.snapshot() == alloc.snapshot()
    assert copy.invariant_violations() == []
    assert copy._live_by_vacancy == alloc._live_by_vacancy
    assert copy._live_by_candidate == alloc._live_by_candidate
    assert copy.realisation("2026") == alloc.realisation("2026")


def test_the_policy_is_configuration_not_state():
    alloc = Allocator("province", AllocationPolicy(proposal_expiry_days=3))
    copy = state_codec.from_document(state_codec.to_document(alloc),
                                     AllocationPolicy(proposal_expiry_days=21))
    assert copy.policy.proposal_expiry_days == 21
    assert "policy" not in json.dumps(state_codec.to_document(alloc))


def test_an_unknown_format_is_refused_not_misread():
    document = state_codec.to_document(fresh_allocator()) | {"format": 99}
    with pytest.raises(state_codec.UnknownStateFormat):
        state_codec.from_document(document)


# --- random histories ------------------------------------------------------------------------

day_st = st.integers(0, 120).map(lambda n: START + timedelta(days=n))
pick_st = st.integers(0, 50)  # which proposal, resolved when applied

# a dwelling most candidates fit, so that histories reach proposals, declines and move-ins
fitting_vacancy_st = st.builds(
    lambda vid, code: vacancy(vid, municipality=code, rooms=3, monthly_rent=600.0,
                              bag_id=f"{code[2:]}0100000000{VACANCY_IDS.index(vid):02d}"),
    st.sampled_from(VACANCY_IDS), st.sampled_from(CODES))
announce_st = st.tuples(st.one_of(vacancy_st, fitting_vacancy_st), day_st).map(
    lambda t: ("announce_vacancy", *t))
respond_st = st.tuples(pick_st, decision_st, party_st, day_st, reason_st).map(
    lambda t: ("respond", *t))
other_st = st.one_of(
    candidate_st.map(lambda c: ("upsert_candidate", c)),
    st.tuples(st.sampled_from(VACANCY_IDS), day_st).map(lambda t: ("withdraw_vacancy", *t)),
    st.tuples(st.sampled_from(CANDIDATE_IDS), urgency_st).map(lambda t: ("grant_urgency", *t)),
    st.tuples(st.sampled_from(CANDIDATE_IDS), day_st).map(lambda t: ("expire_urgency", *t)),
    st.tuples(st.sampled_from(CANDIDATE_IDS), day_st).map(
        lambda t: ("withdraw_candidate", *t)),
    st.tuples(pick_st, day_st).map(lambda t: ("move_in", *t)),
    day_st.map(lambda d: ("expire_due", d)),
    st.tuples(st.sampled_from(VACANCY_IDS + ["v-x"]), st.sampled_from(CODES),
              st.sampled_from(list(TenantType)), day_st).map(
        lambda t: ("record_letting", letting(*t))),
)
# vacancies and answers weigh more: they are what makes proposals, declines and placements
housed_st = st.tuples(pick_st, day_st).map(lambda t: ("house", *t))
command_st = st.integers(0, 9).flatmap(
    lambda k: announce_st if k < 4 else respond_st if k < 6 else housed_st if k < 7
    else other_st)


def run(alloc: Allocator, command: tuple):
    name, *args = command
    if name == "house":  # both parties accept, then the move-in
        pick, day = args
        return [run(alloc, ("respond", pick, "accepted", party, day, None))
                for party in ("corporation", "candidate")] + [run(alloc, ("move_in", pick, day))]
    if name in ("respond", "move_in"):
        proposals = alloc.proposals()
        if not proposals:
            return "no proposal"
        args[0] = proposals[args[0] % len(proposals)].id
    try:
        return getattr(alloc, name)(*args)
    except AllocationError as refusal:
        return type(refusal).__name__


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(fitting_candidate_st, min_size=2, max_size=6),
       st.lists(command_st, min_size=5, max_size=40))
def test_a_reloaded_aggregate_decides_exactly_like_the_one_that_never_left_memory(
        candidates, commands):
    live = fresh_allocator()
    for c in candidates:
        live.upsert_candidate(c)
    stored = round_trip(live)
    for command in commands:
        assert run(stored, command) == run(live, command)
        stored = round_trip(stored)  # as a worker without cache would: parse every time
        assert stored.snapshot() == live.snapshot()
    assert stored.invariant_violations() == []
    event(f"proposals: {min(len(live.proposals()), 3)}")
    event(f"placements: {min(len(live.placements()), 1)}")
