"""Storing costs O(what changed): the aggregate notes its changes as they happen, and what it
notes is never less than a walk over every entity finds (`stored.changes_by_walk`)."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import date, timedelta

from allocation_builders import CATEGORIES, MUNICIPALITIES, agreement, candidate, vacancy
from allocation_commands import (
    CANDIDATE_IDS,
    CODES,
    START,
    VACANCY_IDS,
    Command,
    apply,
    candidate_st,
    decision_st,
    fitting_candidate_st,
    letting,
    party_st,
    proposal_ids,
    reason_st,
    urgency_st,
    vacancy_st,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from test_allocation_stateful import AllocatorMachine
from test_allocation_stored import lived_in, restore

from services.allocation.domain import (
    AllocationPolicy,
    Allocator,
    CancellationReason,
    CategoryRule,
    Explanation,
    ProposalStatus,
    stored,
    tracking,
)
from services.allocation.domain.following import FollowingAllocator
from shared.contracts.vocabulary import TargetGroup, TenantType

DAY = date(2026, 3, 2)
LAPSING = tuple(CategoryRule(rule.category, rule.validity_days, 1, 1) for rule in CATEGORIES)


def day(offset: int) -> date:
    return START + timedelta(days=offset)


# "nth" commands name a proposal by position among those in a status; `resolve` makes them
# concrete against the current state (or nothing, when there is none).
step_st = st.one_of(
    st.builds(lambda c: Command("upsert_candidate", (c,)), candidate_st),
    st.builds(lambda c, u: Command("grant_urgency", (c, u)), st.sampled_from(CANDIDATE_IDS),
              urgency_st),
    st.builds(lambda c, d, r: Command("end_urgency", (c, day(d), r)),
              st.sampled_from(CANDIDATE_IDS), st.integers(0, 90),
              st.sampled_from(["urgency-revoked", "urgency-refused"])),
    st.builds(lambda c, d: Command("withdraw_candidate", (c, day(d))),
              st.sampled_from(CANDIDATE_IDS), st.integers(0, 90)),
    st.builds(lambda v, d: Command("announce_vacancy", (v, day(d))), vacancy_st,
              st.integers(0, 90)),
    st.builds(lambda vs, d: Command("announce_vacancies", (vs, day(d))),
              st.lists(vacancy_st, min_size=2, max_size=3), st.integers(0, 90)),
    st.builds(lambda d: Command("decide_due", (day(d),)), st.integers(0, 120)),
    st.builds(lambda v, d: Command("withdraw_vacancy", (v, day(d))),
              st.sampled_from(VACANCY_IDS), st.integers(0, 90)),
    st.builds(lambda v, c, t, d: Command("record_letting", (letting(v, c, t, day(d)),)),
              st.sampled_from(VACANCY_IDS), st.sampled_from(CODES),
              st.sampled_from(list(TenantType)), st.integers(0, 90)),
    st.builds(lambda i, dec, p, r, d: Command("respond_nth", (i, dec, p, day(d), r)),
              st.integers(0, 20), decision_st, party_st, reason_st, st.integers(0, 90)),
    st.builds(lambda i, d: Command("accept_nth", (i, day(d))), st.integers(0, 20),
              st.integers(0, 90)),
    st.builds(lambda i, d: Command("cancel_nth", (i, day(d))), st.integers(0, 20),
              st.integers(0, 90)),
    st.builds(lambda i, d: Command("move_in_nth", (i, day(d))), st.integers(0, 20),
              st.integers(0, 90)),
    st.builds(lambda d: Command("expire_due", (day(d),)), st.integers(0, 120)),
    st.builds(lambda code, n: Command("upsert_municipality",
                                      (replace(MUNICIPALITIES[code], population=n),)),
              st.sampled_from(CODES), st.integers(1_000, 300_000)),
    st.builds(lambda v, lapsing: Command("upsert_agreement", (agreement(
        version=v, categories=LAPSING if lapsing else CATEGORIES),)),
              st.integers(1, 4), st.booleans()),
)


def resolve(alloc: Allocator, command: Command) -> list[Command]:
    if not command.name.endswith("_nth"):
        return [command]
    index, on = command.args[0], command.args[-1 if command.name != "respond_nth" else 3]
    wanted = {"accept_nth": ProposalStatus.OPEN, "cancel_nth": ProposalStatus.ACCEPTED,
              "move_in_nth": ProposalStatus.ACCEPTED}.get(command.name)
    ids = proposal_ids(alloc) if wanted is None else [p.id for p in alloc.proposals(wanted)]
    if not ids:
        return []
    pid = ids[index % len(ids)]
    if command.name == "respond_nth":
        return [Command("respond", (pid, *command.args[1:]))]
    if command.name == "accept_nth":
        return [Command("respond", (pid, "accepted", party, on, None))
                for party in ("corporation", "candidate")]
    if command.name == "cancel_nth":
        return [Command("cancel", (pid, "corporation", CancellationReason.OTHER.value, on))]
    return [Command("move_in", (pid, on))]


def new_allocator(lead_days: int | None) -> Allocator:
    alloc = Allocator("province", AllocationPolicy(decision_lead_days=lead_days))
    for ref in MUNICIPALITIES.values():
        alloc.upsert_municipality(ref)
    alloc.upsert_agreement(agreement())
    return alloc


def noted(alloc: Allocator) -> set[tuple[str, str]]:
    """What the aggregate noted as touched since it was last stored (without taking it)."""
    return {(kind.name, key) for kind in stored._KINDS
            for key in alloc._touched.of(kind.name)}


def changed_keys(changes: stored.StoredChanges) -> set[tuple[str, str]]:
    return {(kind, key) for kind, key, _, _ in changes.upserts} | set(changes.deletes)


def store(table: dict, changes: stored.StoredChanges) -> None:
    for kind, key in changes.deletes:
        del table[kind, key]
    for kind, key, seq, body in changes.upserts:
        table[kind, key] = (seq, body)


def assert_restores_alike(table: dict, alloc: Allocator) -> None:
    copy = restore(table, alloc)
    assert copy.snapshot() == alloc.snapshot()
    assert copy.to_document() == alloc.to_document()  # every dict in the same order
    assert copy.invariant_violations() == []
    assert not copy.stored_changes()  # restored: nothing left to store


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lead_days=st.sampled_from([None, 14]),
       seeds=st.lists(fitting_candidate_st, min_size=2, max_size=5),
       steps=st.lists(st.tuples(step_st, st.sampled_from([False, False, True])),
                      min_size=5, max_size=40))
def test_the_changes_noted_are_the_changes_a_walk_over_every_entity_finds(
        lead_days, seeds, steps):
    alloc, table = new_allocator(lead_days), {}
    for seed in seeds:
        alloc.upsert_candidate(seed)
    for raw, store_now in steps:
        for command in resolve(alloc, raw):
            apply(alloc, command)
            walked = stored.changes_by_walk(alloc)
            assert changed_keys(walked) <= noted(alloc), command  # nothing changed unnoted
        if not store_now:
            continue  # a batch of several commands, stored at once
        walked = stored.changes_by_walk(alloc)
        changes = alloc.stored_changes()
        assert sorted(changes.upserts) == sorted(walked.upserts)  # seqs and bodies alike
        assert sorted(changes.deletes) == sorted(walked.deletes)
        assert noted(alloc) == set()
        store(table, changes)
        assert_restores_alike(table, alloc)
    store(table, alloc.stored_changes())
    assert_restores_alike(table, alloc)


class StoringMachine(AllocatorMachine):
    """The allocator machine's commands (redeliveries included), stored now and then: after
    every command the noted keys cover what a walk finds; every store equals the walk's and
    restores the same aggregate."""

    def __init__(self) -> None:
        super().__init__()
        self.table: dict = {}

    def run(self, name: str, *args) -> list | str:
        result = super().run(name, *args)
        walked = stored.changes_by_walk(self.alloc)
        assert changed_keys(walked) <= noted(self.alloc), (name, args)
        return result

    @rule()
    def store(self):
        walked = stored.changes_by_walk(self.alloc)
        changes = self.alloc.stored_changes()
        assert sorted(changes.upserts) == sorted(walked.upserts)
        assert sorted(changes.deletes) == sorted(walked.deletes)
        store(self.table, changes)
        assert_restores_alike(self.table, self.alloc)

    @precondition(lambda self: self.alloc.proposals(ProposalStatus.ACCEPTED))
    @rule(index=st.integers(0, 100))
    def cancel(self, index):
        ids = [p.id for p in self.alloc.proposals(ProposalStatus.ACCEPTED)]
        self.run("cancel", ids[index % len(ids)], "candidate",
                 CancellationReason.CARE_NOT_ARRANGED.value, self.today)

    @rule(cid=st.sampled_from(CANDIDATE_IDS))
    def revoke_urgency(self, cid):
        self.run("end_urgency", cid, self.today, "urgency-revoked")

    @rule(version=st.integers(1, 4), lapsing=st.booleans())
    def new_agreement(self, version, lapsing):
        self.run("upsert_agreement",
                 agreement(version=version, categories=LAPSING if lapsing else CATEGORIES))


StoringMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestStoringMachine = StoringMachine.TestCase


def test_entries_added_in_one_batch_restore_in_the_dicts_order():
    """v-1's ledger entry is added, then v-2's, then v-1's moves to the end (placed): the
    records take their seqs in the dict's order, whatever order the changes came in."""
    alloc = new_allocator(None)
    for cid in ("c-1", "c-2"):
        alloc.upsert_candidate(candidate(cid))
    table: dict = {}
    store(table, alloc.stored_changes())
    first = alloc.announce_vacancy(vacancy("v-1"), DAY)[-1].proposal_id
    alloc.announce_vacancy(vacancy("v-2", bag_id="0014010011060002"), DAY)
    for party in ("corporation", "candidate"):
        alloc.respond(first, "accepted", party, DAY)
    alloc.move_in(first, DAY + timedelta(days=20))
    store(table, alloc.stored_changes())

    assert [entry[0] for entry in alloc.to_document()["ledger"]] == ["v-2", "v-1"]
    assert_restores_alike(table, alloc)


def test_an_entity_gone_from_the_aggregate_is_deleted_once():
    alloc = lived_in()
    alloc.record_letting(letting("v-9", "GM0014", TenantType.URGENT, DAY))
    open_vacancy = alloc.proposals("open")[0].vacancy_id
    table: dict = {}
    store(table, alloc.stored_changes())

    alloc.withdraw_vacancy(open_vacancy, DAY)  # its ledger entry goes
    changes = alloc.stored_changes()

    assert changes.deletes == [("ledger", open_vacancy)]
    store(table, changes)
    assert_restores_alike(table, alloc)
    assert not alloc.stored_changes()


def test_a_field_set_on_an_entity_outside_any_command_is_noted():
    alloc = new_allocator(None)
    alloc.upsert_candidate(candidate("c-1"))
    table: dict = {}
    store(table, alloc.stored_changes())

    alloc.candidate("c-1").parked_until = DAY  # behind the commands' back

    assert [(kind, key) for kind, key, _, _ in alloc.stored_changes().upserts] == [
        ("candidates", "c-1")]


def test_a_dict_replaced_behind_the_trackers_back_is_walked_whole_not_missed():
    alloc = new_allocator(None)
    alloc.upsert_candidate(candidate("c-1"))
    table: dict = {}
    store(table, alloc.stored_changes())

    alloc._candidates = {"c-2": candidate("c-2")}  # a plain dict: nothing notes into it

    changes = alloc.stored_changes()
    assert [(kind, key) for kind, key, _, _ in changes.upserts] == [("candidates", "c-2")]
    assert changes.deletes == [("candidates", "c-1")]


def test_setting_a_field_to_the_value_it_has_stores_nothing():
    alloc = new_allocator(None)
    alloc.upsert_candidate(candidate("c-1"))
    alloc.stored_changes()

    alloc.upsert_candidate(candidate("c-1"))  # the same profile again: every field set

    assert not alloc.stored_changes()


def test_a_following_allocator_notes_what_it_follows():
    alloc = FollowingAllocator("province")
    for ref in MUNICIPALITIES.values():
        alloc.upsert_municipality(ref)
    alloc.upsert_agreement(agreement())
    alloc.upsert_candidate(candidate("c-1"))
    alloc.announce_vacancy(vacancy("v-1"), DAY)
    table: dict = {}
    store(table, alloc.stored_changes())

    alloc.follow_label("v-1", True, "achter", DAY)
    alloc.follow_proposal("p-1", "v-1", "c-1", TargetGroup.BESCHERMD_WONEN, DAY,
                          DAY + timedelta(days=7), Explanation("achter", 1, ()))
    walked = stored.changes_by_walk(alloc)
    changes = alloc.stored_changes()

    assert {("vacancies", "v-1"), ("proposals", "p-1"), ("attempts", "v-1"),
            ("ledger", "v-1")} <= changed_keys(changes)
    assert sorted(changes.upserts) == sorted(walked.upserts)
    store(table, changes)
    assert restore(table, alloc).snapshot() == alloc.snapshot()


def test_a_pickled_copy_of_a_tracked_dict_notes_into_its_own_keys():
    touched = tracking.Touched()
    original = tracking.TrackedDict(touched.of("vacancies"), [("v-1", (1,))])
    touched.take("vacancies")

    copy_touched, copy = pickle.loads(pickle.dumps((touched, original)))
    copy["v-2"] = (2,)

    assert copy_touched.take("vacancies") == ["v-1", "v-2"]  # restored ones count as added
    assert touched.take("vacancies") == []
