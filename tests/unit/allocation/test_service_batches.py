"""Batches (the worker's `process_batch`, one unit of work per batch) against the same
messages one at a time, on a real SQLite database: same state, read model and outbox; poison
and domain refusals dead-lettered while the rest applies; duplicates skipped; an outage
commits nothing; a bug falls back to one at a time and dead-letters only the culprit."""

from __future__ import annotations

import json

import pytest
from allocation_service_helpers import Harness, Scenario, harness, inbound, scenario  # noqa: F401
from sqlalchemy.exc import OperationalError

from services.allocation.adapters import state_codec
from services.allocation.bootstrap import INPUTS_CONSUMER
from services.allocation.service.processing import PatientProcessor
from shared.contracts.envelope import decode
from shared.messaging.consuming import EventProcessor, Inbound, Outcome, Rejected

POISON = Inbound("intake.candidates.v1", 0, 99, b"k", b"{not json", [])


def messages(scenario: Scenario) -> list[Inbound]:
    setup = [inbound(e, offset=i) for i, e in
             enumerate(scenario.setup(*[f"c-{n}" for n in range(6)]))]
    vacancies = [inbound(scenario.vacancy(f"v-{n}", bag_id=f"00140100110600{n:02d}"),
                         offset=100 + n) for n in range(4)]
    return setup + vacancies


def snapshot(h: Harness):
    outbox = [(row.event_id, row.topic, row.key, decode(row.payload).event)
              for row in h.outbox()]
    proposals = [(r.id, r.vacancy_id, r.candidate_id, r.status) for r in h.proposals()]
    version, allocator = h.allocator()
    return version, allocator.snapshot(), proposals, outbox


@pytest.fixture
def other(tmp_path):
    h = Harness.create(f"sqlite:///{tmp_path / 'other.db'}", tmp_path / "other")
    yield h
    h.close()


def test_a_batch_decides_exactly_as_one_message_at_a_time(harness, other, scenario):
    batch = messages(scenario)
    assert harness.processor.process_batch(batch) == [Outcome.HANDLED] * len(batch)
    assert [other.process(m) for m in batch] == [Outcome.HANDLED] * len(batch)

    assert snapshot(harness) == snapshot(other)  # versions and event ids included
    assert harness.proposals()  # the agreement's fair share labels at least one vacancy


def test_poison_a_refusal_and_duplicates_in_a_batch_leave_the_rest_applied(
        harness, other, scenario):
    batch = messages(scenario)
    stranger = inbound(scenario.urgency("never-registered"), offset=50)
    mixed = [*batch[:5], POISON, batch[3], stranger, *batch[5:], batch[-1]]

    outcomes = harness.processor.process_batch(mixed)

    assert outcomes[5] is Outcome.DEAD_LETTERED and outcomes[7] is Outcome.DEAD_LETTERED
    assert outcomes[6] is Outcome.DUPLICATE and outcomes[-1] is Outcome.DUPLICATE
    assert outcomes.count(Outcome.HANDLED) == len(batch)
    letters = [json.loads(m["value"]) for m in harness.dead_letters()]
    assert [letter["offset"] for letter in letters] == [99, 50]
    assert letters[0]["error"].startswith("not JSON")
    assert letters[1]["error"].startswith(f"rejected by {INPUTS_CONSUMER}: UnknownCandidate")
    for m in batch:
        other.process(m)
    assert snapshot(harness) == snapshot(other)

    # the whole batch redelivered: duplicates only (the poison goes to the DLQ again)
    again = harness.processor.process_batch(mixed)
    assert again.count(Outcome.DUPLICATE) == len(mixed) - 1
    assert snapshot(harness) == snapshot(other)


def test_an_outage_at_the_commit_commits_nothing_and_the_retry_applies_all(
        harness, other, scenario, monkeypatch):
    batch = messages(scenario)
    uow_class = harness.runtime.uow_class
    real_commit = uow_class.commit
    failures = []

    def flaky(self):
        if not failures:
            failures.append(1)
            raise OperationalError("COMMIT", {}, Exception("database is locked"))
        real_commit(self)

    monkeypatch.setattr(uow_class, "commit", flaky)
    patient = PatientProcessor(harness.processor.processor, sleep=lambda s: None)
    assert patient.process_batch(batch) == [Outcome.HANDLED] * len(batch)
    assert failures == [1]
    for m in batch:
        other.process(m)
    assert snapshot(harness) == snapshot(other)


def test_a_bug_in_one_message_falls_back_to_one_at_a_time_and_dead_letters_it(
        harness, scenario, monkeypatch):
    batch = messages(scenario)
    culprit = decode(batch[4].value).id
    processor = harness.processor.processor
    real_handler = processor.handler

    def buggy(uow, received):
        if received.id == culprit:
            raise KeyError("a bug")
        real_handler(uow, received)

    monkeypatch.setattr(processor, "handler", buggy)
    patient = PatientProcessor(processor, sleep=lambda s: None)
    outcomes = patient.process_batch(batch)

    # the culprit (a registration) by its bug, and then its urgency: candidate unknown
    assert outcomes[4:6] == [Outcome.DEAD_LETTERED] * 2
    assert outcomes.count(Outcome.HANDLED) == len(batch) - 2
    bug, unknown = [json.loads(m["value"]) for m in harness.dead_letters()]
    assert "KeyError" in bug["error"] and "UnknownCandidate" in unknown["error"]


def test_without_clean_rejections_a_refusal_rolls_the_batch_back_and_redoes_the_rest(
        harness, other, scenario):
    """The generic path (a handler that may have written before refusing)."""
    processor = harness.processor.processor
    written = []

    def handler(uow, received):
        processor.handler(uow, received)  # the real one
        if received.event.__class__.__name__ == "VacancyAnnounced" and not written:
            written.append(received.id)
            raise Rejected("refused after writing")

    generic = EventProcessor(INPUTS_CONSUMER, harness.runtime.uow, handler,
                             processor.dead_letters)
    batch = messages(scenario)
    outcomes = generic.process_batch(batch)

    first_vacancy = len(batch) - 4
    assert outcomes[first_vacancy] is Outcome.DEAD_LETTERED
    assert outcomes.count(Outcome.HANDLED) == len(batch) - 1
    assert len(harness.dead_letters()) == 1
    for index, m in enumerate(batch):  # the same without the refused one
        if index != first_vacancy:
            other.process(m)
    assert snapshot(harness) == snapshot(other)


def test_the_incremental_json_equals_the_plain_encoding(harness, scenario):
    batch = messages(scenario)
    for n in range(0, len(batch), 3):  # several saves: the fragments are reused and renewed
        harness.processor.process_batch(batch[n:n + 3])
        with harness.runtime.uow() as uow:
            allocator = uow.allocators.get("province")
            assert state_codec.to_json(allocator) == json.dumps(
                state_codec.to_document(allocator), separators=(",", ":"))
            uow.allocators.give_back(allocator)
    _, allocator = harness.allocator()
    [proposal] = allocator.proposals()[:1]
    proposal.status = proposal.status.__class__("declined")  # a field changed in place
    assert state_codec.to_json(allocator) == json.dumps(
        state_codec.to_document(allocator), separators=(",", ":"))
