"""Privacy by design: no BSN, name or birth year on the topic, in the database file, in logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from intake_helpers import candidate_body, wait_for_relay
from kafka_helpers import consume_all
from sqlalchemy import select

from services.intake.adapters.tables import (
    CandidateRow,
    IdempotencyRow,
    UrgencyDecisionRow,
)
from services.intake.domain.bsn import fake_bsn
from shared.contracts import topics

pytestmark = pytest.mark.kafka
NAME = "Grietje Bontekoe-Privacytest"
BIRTH_YEAR = 1974


def _walk(value):
    """Every key and scalar of a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)
    else:
        yield value


def lifecycle(client, provider, municipality, bsn) -> str:
    """Register, change, decide and withdraw one person; the candidate id. The BSN doubles as
    Idempotency-Key, as a careless client might do: it must not leak through that either."""
    created = client.post("/v1/candidates", headers=provider | {"Idempotency-Key": bsn},
                          json=candidate_body(bsn=bsn, name=NAME, birthYear=BIRTH_YEAR)).json()
    url = f"/v1/candidates/{created['id']}"
    client.patch(url, json={"householdSize": 2}, headers=provider)
    client.post(f"{url}/urgency-decisions", headers=municipality,
                json={"decision": "granted", "category": "medisch",
                      "reason": f"{NAME} heeft medische urgentie"})
    client.get(url, headers=provider)
    client.post(f"{url}/withdrawal", json={"reason": "housed-elsewhere"}, headers=provider)
    return created["id"]


def test_the_whole_intake_topic_holds_no_personal_data(intake, provider, municipality,
                                                       kafka_bootstrap):
    bsns = [fake_bsn() for _ in range(3)]
    ids = {lifecycle(intake, provider, municipality, bsn) for bsn in bsns}
    intake.delete(f"/v1/candidates/{sorted(ids)[0]}", headers=provider)
    wait_for_relay(intake)

    messages = consume_all(kafka_bootstrap, topics.CANDIDATES.name, timeout=30)
    ours = [m for m in messages if m.key in ids]
    assert len(ours) >= 3 * 4 + 1
    for message in messages:  # every message on the topic, not only ours
        raw = (message.value or b"").decode(errors="replace")
        for bsn in bsns:
            assert bsn not in raw
        assert NAME not in raw and "Bontekoe" not in raw
        if message.received is None:
            continue  # other tests' poison on the shared topic: the raw check above suffices
        document = json.loads(raw)
        for item in _walk(document):
            assert item not in ("bsn", "name", "birthYear", "birth_year", "yearlyIncome")
            assert item != BIRTH_YEAR and item != str(BIRTH_YEAR)


def test_the_database_file_holds_no_bsn_or_name_in_clear(service_app, tmp_path, provider,
                                                         municipality):
    database = tmp_path / "intake-privacy.db"
    intake = service_app("intake", database_url=f"sqlite:///{database}")
    bsn = fake_bsn()
    candidate_id = lifecycle(intake, provider, municipality, bsn)
    active_bsn = fake_bsn()
    intake.post("/v1/candidates", json=candidate_body(bsn=active_bsn, name=NAME),
                headers=provider)

    files = [Path(f"{database}{suffix}") for suffix in ("", "-wal", "-shm")]
    raw = b"".join(f.read_bytes() for f in files if f.exists())
    assert candidate_id.encode() in raw  # we are looking at the right file
    for secret in (bsn, active_bsn, NAME, "Bontekoe", "medische urgentie"):
        assert secret.encode() not in raw
        assert secret.encode("utf-16-le") not in raw


def test_personal_data_is_sealed_and_erasure_empties_it(intake, provider, municipality):
    candidate_id = lifecycle(intake, provider, municipality, fake_bsn())
    runtime = intake.app.state.runtime

    def sealed():
        with runtime.uow() as uow:
            row = uow.session.get(CandidateRow, candidate_id)
            reasons = uow.session.scalars(select(UrgencyDecisionRow.reason_sealed).where(
                UrgencyDecisionRow.candidate_id == candidate_id)).all()
            replies = uow.session.scalars(select(IdempotencyRow.response_sealed).where(
                IdempotencyRow.candidate_id == candidate_id)).all()
            return row.person_sealed, reasons, replies

    person, reasons, replies = sealed()
    assert person.startswith("gAAAA")  # a Fernet token
    assert reasons[0].startswith("gAAAA") and replies[0].startswith("gAAAA")

    assert intake.delete(f"/v1/candidates/{candidate_id}", headers=provider).status_code == 204
    person, reasons, replies = sealed()
    assert person is None and reasons == [None] and replies == []


def test_logs_never_carry_personal_data(intake, provider, municipality, caplog):
    caplog.set_level(logging.DEBUG)
    bsn = fake_bsn()
    lifecycle(intake, provider, municipality, bsn)
    intake.post("/v1/candidates", json=candidate_body(bsn="123456789", name=NAME),
                headers=provider)
    text = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert bsn not in text and NAME not in text and "123456789" not in text


def test_development_keys_are_kept_private(intake):
    key_file = intake.app.state.settings.data_dir / "intake-keys.json"
    assert key_file.stat().st_mode & 0o777 == 0o600
