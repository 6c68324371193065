"""The Allocator stores itself one record per entity, and writes only what changed."""

from __future__ import annotations

from datetime import date

from allocation_builders import candidate, urgency, vacancy
from allocation_commands import fresh_allocator, letting

from services.allocation.domain import Allocator
from shared.contracts.vocabulary import TenantType

DAY = date(2026, 3, 2)


def apply(table: dict, allocator: Allocator) -> list:
    """Store the allocator's changes in `table` as the store does; the upserts returned."""
    changes = allocator.stored_changes()
    for kind, key in changes.deletes:
        del table[kind, key]
    for kind, key, seq, body in changes.upserts:
        table[kind, key] = (seq, body)
    return changes.upserts


def restore(table: dict, allocator: Allocator) -> Allocator:
    records = sorted(((k, key, seq, body) for (k, key), (seq, body) in table.items()),
                     key=lambda record: record[2])
    return Allocator.from_records(allocator.scope, records, allocator.policy)


def lived_in() -> Allocator:
    alloc = fresh_allocator()
    for cid in ("c-1", "c-2", "c-3"):
        alloc.upsert_candidate(candidate(cid, urgency=urgency(granted_on=date(2026, 1, 5))))
    first = alloc.announce_vacancy(vacancy("v-1"), DAY)[-1].proposal_id
    alloc.respond(first, "declined", "candidate", DAY, reason="no-show")
    return alloc


def test_records_restore_the_same_state_in_the_same_order():
    alloc = lived_in()
    table: dict = {}
    apply(table, alloc)
    second = alloc.proposals("open")[0].id
    alloc.respond(second, "accepted", "corporation", DAY)
    alloc.respond(second, "accepted", "candidate", DAY)
    alloc.move_in(second, date(2026, 4, 1))
    alloc.record_letting(letting("v-9", "GM0014", TenantType.URGENT, DAY))
    alloc.withdraw_candidate("c-3", DAY)
    apply(table, alloc)

    copy = restore(table, alloc)

    assert copy.snapshot() == alloc.snapshot()
    assert copy.invariant_violations() == []
    assert copy.to_document() == alloc.to_document()  # every dict in the same order
    assert copy.stored_changes().upserts == []  # restored: nothing left to store


def test_only_the_entities_a_command_changed_are_stored_again():
    alloc = lived_in()
    table: dict = {}
    everything = apply(table, alloc)
    assert {kind for kind, *_ in everything} >= {"candidates", "vacancies", "proposals"}

    assert apply(table, alloc) == []  # nothing changed, nothing written
    alloc.withdraw_candidate("c-2", DAY)
    changed = apply(table, alloc)

    kinds_keys = {(kind, key) for kind, key, _, _ in changed}
    assert ("candidates", "c-2") in kinds_keys
    assert ("candidates", "c-1") not in kinds_keys
    assert len(changed) < len(everything)
    assert restore(table, alloc).snapshot() == alloc.snapshot()


def test_a_ledger_entry_recorded_again_moves_to_the_end_as_in_the_aggregate():
    alloc = lived_in()  # v-1 counted as urgent: its proposal is open
    table: dict = {}
    alloc.record_letting(letting("v-9", "GM0014", TenantType.URGENT, DAY))
    apply(table, alloc)
    second = alloc.proposals("open")[0].id
    alloc.respond(second, "accepted", "corporation", DAY)
    alloc.respond(second, "accepted", "candidate", DAY)
    alloc.move_in(second, date(2026, 4, 1))  # v-1 counted again, now as placed
    apply(table, alloc)

    copy = restore(table, alloc)

    assert [entry[0] for entry in alloc.to_document()["ledger"]] == ["v-9", "v-1"]
    assert copy.to_document()["ledger"] == alloc.to_document()["ledger"]
    assert copy.snapshot() == alloc.snapshot()
