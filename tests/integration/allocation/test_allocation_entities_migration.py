"""Migration 5d1c0a7e9b42 turns an aggregate stored as one JSON document into one row per
entity, and the store restores from those rows the same aggregate."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from services.allocation.adapters.aggregate_store import AggregateCache, AllocatorStore
from services.allocation.domain import AllocationPolicy, Allocator
from shared.db import make_engine
from shared.migrations import alembic_config
from tests.unit.allocation.test_allocation_stored import lived_in

MIGRATIONS = Path(__file__).resolve().parents[3] / "services/allocation/adapters/migrations"


def test_a_stored_document_becomes_entity_rows_that_restore_the_same_aggregate(tmp_path):
    url = f"sqlite:///{tmp_path / 'allocation.db'}"
    config = alembic_config(MIGRATIONS, url)
    command.upgrade(config, "8be8aed65f73")  # the revision before: one document per scope
    alloc = lived_in()
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO allocator_state (scope, version, state, updated_at) "
            "VALUES (:scope, 7, :state, '2026-03-02 10:00:00')"),
            {"scope": alloc.scope, "state": json.dumps(alloc.to_document())})

    command.upgrade(config, "head")

    with engine.connect() as connection:
        columns = [row[1] for row in connection.execute(
            text("PRAGMA table_info(allocator_state)"))]
        kinds = {row[0] for row in connection.execute(text(
            "SELECT DISTINCT kind FROM allocator_entities"))}
    assert "state" not in columns
    assert {"candidates", "vacancies", "proposals", "attempts", "ledger"} <= kinds
    with Session(engine) as session:
        store = AllocatorStore(session, AggregateCache(), AllocationPolicy(), lambda f: None)
        version, restored = store.peek(alloc.scope)
    assert version == 7
    assert isinstance(restored, Allocator)
    assert restored.snapshot() == alloc.snapshot()
    assert restored.to_document() == alloc.to_document()
    assert restored.stored_changes().upserts == []
    assert restored.fair_share("GM0014", date(2026, 3, 2)) == alloc.fair_share(
        "GM0014", date(2026, 3, 2))
    engine.dispose()
