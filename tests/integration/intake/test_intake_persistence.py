"""Intake on SQLite and PostgreSQL: migrations, sealed columns, a restart keeps everything."""

from __future__ import annotations

import pytest
from intake_helpers import candidate_body, wait_for_relay
from sqlalchemy import create_engine, inspect, text

from services.intake.domain.bsn import fake_bsn

pytestmark = pytest.mark.kafka


def all_text(database_url: str) -> str:
    """Every value of every intake table, as one string (what a raw look at the data sees)."""
    engine = create_engine(database_url)
    parts = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                parts.extend(_text(value) for value in row)
    engine.dispose()
    return "\n".join(parts)


def _text(value) -> str:
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).decode("latin-1")
    return str(value)


def test_candidates_survive_a_restart_and_stay_sealed(service_app, database_url, provider,
                                                      municipality):
    first = service_app("intake", database_url=database_url)
    bsn = fake_bsn()
    created = first.post("/v1/candidates", headers=provider | {"Idempotency-Key": "p-1"},
                         json=candidate_body(bsn=bsn)).json()
    first.post(f"/v1/candidates/{created['id']}/urgency-decisions", headers=municipality,
               json={"decision": "granted", "category": "beschermd-wonen"})
    wait_for_relay(first)

    # a second process on the same database and data folder (same development keys)
    second = service_app("intake", database_url=database_url)
    again = second.get(f"/v1/candidates/{created['id']}", headers=provider).json()
    assert again["person"] == created["person"]
    assert again["urgency"]["status"] == "granted"
    replay = second.post("/v1/candidates", headers=provider | {"Idempotency-Key": "p-1"},
                         json=candidate_body(bsn=bsn))
    assert replay.status_code == 201 and replay.json() == created
    duplicate = second.post("/v1/candidates", headers=provider, json=candidate_body(bsn=bsn))
    assert duplicate.status_code == 409

    stored = all_text(database_url)
    assert created["id"] in stored
    assert bsn not in stored
    assert candidate_body()["name"] not in stored
    assert second.app.state.runtime.relay.pending_count() == 0


def test_the_duplicate_guard_is_a_unique_index(service_app, database_url):
    """Two registrations racing past the lookup still cannot both commit."""
    client = service_app("intake", database_url=database_url)
    engine = client.app.state.runtime.engine
    unique = [c for c in inspect(engine).get_unique_constraints("candidates")]
    indexes = [i for i in inspect(engine).get_indexes("candidates") if i.get("unique")]
    columns = {tuple(c["column_names"]) for c in unique + indexes}
    assert ("active_pseudonym",) in columns


def test_racing_registrations_of_one_person_give_one_candidate(service_app, database_url,
                                                               provider):
    from concurrent.futures import ThreadPoolExecutor

    client = service_app("intake", database_url=database_url)
    body = candidate_body()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(
            lambda _: client.post("/v1/candidates", json=body, headers=provider), range(8)))
    assert sorted(a.status_code for a in answers) == [201] + [409] * 7

    keyed = candidate_body()
    headers = provider | {"Idempotency-Key": "race-1"}
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(
            lambda _: client.post("/v1/candidates", json=keyed, headers=headers), range(8)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
