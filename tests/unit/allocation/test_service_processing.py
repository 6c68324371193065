"""The worker's processing on a real SQLite database: state, read model and outbox move
together; redelivery, duplicates, crashes and replays change nothing they should not."""

from __future__ import annotations

import json

from allocation_service_helpers import Harness, Scenario, harness, inbound, scenario  # noqa: F401
from sqlalchemy import update

from services.allocation.adapters.tables import AllocatorStateRow
from services.allocation.bootstrap import INPUTS_CONSUMER
from shared.contracts import events as ev
from shared.contracts.envelope import decode
from shared.messaging.consuming import Outcome


def emitted_types(harness: Harness) -> list[str]:
    return [decode(row.payload).event.__class__.__name__ for row in harness.outbox()]


def test_a_labelled_vacancy_becomes_a_proposal_in_state_read_model_and_outbox(harness,
                                                                               scenario):
    outcomes = harness.feed(*scenario.setup("c-1", "c-2"), scenario.vacancy("v-1"))

    assert outcomes == [Outcome.HANDLED] * 7
    [row] = harness.proposals()
    version, alloc = harness.allocator()
    assert version == 7  # one saved change per consumed event
    [proposal] = alloc.proposals()
    assert (row.id, row.candidate_id, row.status) == (proposal.id, "c-2", "open")  # waited longest
    assert (row.corporation, row.registered_by, row.municipality) == ("lefier", "lentis",
                                                                       "GM0014")
    assert row.explanation["eligibleCount"] == 2
    assert [r["candidateId"] for r in row.explanation["ranked"]] == ["c-2", "c-1"]
    assert emitted_types(harness) == ["VacancyLabelled", "CandidateProposed"]
    proposed = decode(harness.outbox()[1].payload)
    assert proposed.event.proposal_id == row.id
    assert proposed.envelope.source == "urn:woonregie:allocation"


def test_a_redelivered_event_changes_nothing(harness, scenario):
    harness.feed(*scenario.setup("c-1"))
    vacancy = inbound(scenario.vacancy("v-1"))

    assert harness.process(vacancy) is Outcome.HANDLED
    state = harness.allocator()
    assert harness.process(vacancy) is Outcome.DUPLICATE
    assert harness.process(vacancy) is Outcome.DUPLICATE

    assert harness.allocator()[0] == state[0]  # not even a new version
    assert len(harness.proposals()) == 1 and len(harness.outbox()) == 2


def test_the_same_fact_under_a_new_event_id_creates_no_second_proposal(harness, scenario):
    harness.feed(*scenario.setup("c-1", "c-2"))
    harness.feed(scenario.vacancy("v-1"), scenario.vacancy("v-1"))  # two ids, one vacancy

    assert len(harness.proposals()) == 1
    assert emitted_types(harness) == ["VacancyLabelled", "CandidateProposed"]


def test_a_crash_between_processing_and_commit_leaves_no_trace_and_the_redo_is_identical(
        harness, scenario, monkeypatch, tmp_path):
    harness.feed(*scenario.setup("c-1", "c-2"))
    vacancy = inbound(scenario.vacancy("v-1"))
    uow_class = harness.runtime.uow_class
    real_commit = uow_class.commit

    def crash(self):
        raise ConnectionError("power cut before the commit")

    monkeypatch.setattr(uow_class, "commit", crash)
    try:
        harness.processor.processor.process(vacancy)
    except ConnectionError:
        pass
    monkeypatch.setattr(uow_class, "commit", real_commit)
    assert harness.proposals() == [] and harness.outbox() == []
    assert harness.allocator()[0] == 6  # the six setup events, nothing more

    assert harness.process(vacancy) is Outcome.HANDLED  # redelivered after the restart
    [row] = harness.proposals()
    ids = [r.event_id for r in harness.outbox()]

    # the same input on a database that never crashed gives the same proposal and event ids
    other = Harness.create(f"sqlite:///{tmp_path / 'other.db'}", tmp_path / "other")
    try:
        other.feed(*scenario.setup("c-1", "c-2"))
        other.process(vacancy)
        assert [r.id for r in other.proposals()] == [row.id]
        assert [r.event_id for r in other.outbox()] == ids
    finally:
        other.close()


def test_an_urgency_for_an_unknown_candidate_goes_to_the_dlq_and_processing_goes_on(
        harness, scenario):
    outcomes = harness.feed(scenario.municipality(), scenario.urgency("ghost"),
                            *scenario.setup("c-1"), scenario.vacancy("v-1"))

    assert outcomes[1] is Outcome.DEAD_LETTERED
    assert set(outcomes) - {outcomes[1]} == {Outcome.HANDLED}
    [letter] = harness.dead_letters()
    assert letter["topic"] == "intake.candidates.v1.dlq"
    document = json.loads(letter["value"])
    assert "UnknownCandidate" in document["error"] and document["consumer"] == INPUTS_CONSUMER
    assert len(harness.proposals()) == 1


def test_poison_goes_to_the_dlq_with_its_reason(harness):
    message = inbound(Scenario().municipality())
    poison = type(message)(message.topic, 0, 7, b"GM0014", b"{not json", [])

    assert harness.process(poison) is Outcome.DEAD_LETTERED
    [letter] = harness.dead_letters()
    assert json.loads(letter["value"])["error"].startswith("not JSON")


def test_events_allocation_does_not_use_leave_the_aggregate_alone(harness, scenario):
    harness.feed(scenario.municipality())
    version = harness.allocator()[0]
    # refusals and erasures end a candidacy now (issue 12); an application does not, and a
    # lapse is allocation's own decision coming back from intake
    harness.feed(ev.UrgencyApplied(candidate_id="c-9", municipality="GM0014",
                                   category="medisch", applied_by="lentis",
                                   applied_on=scenario.agreement().period_start),
                 ev.UrgencyLapsed(candidate_id="c-9", municipality="GM0014",
                                  reason_code="refusals",
                                  lapsed_on=scenario.agreement().period_start))
    assert harness.allocator()[0] == version


def test_replaying_every_input_into_a_fresh_database_rebuilds_state_and_proposals(
        harness, scenario, tmp_path):
    history = [inbound(e, offset=i) for i, e in enumerate([
        *scenario.setup("c-1", "c-2", "c-3"),
        scenario.vacancy("v-1"), scenario.vacancy("v-2", bag_id="0014010011060002"),
        scenario.letting("v-7"), scenario.vacancy("v-3", bag_id="0014010011060003"),
        ev.CandidateWithdrawn(candidate_id="c-1", withdrawn_on=scenario.agreement()
                              .period_start),
    ])]
    for message in history:
        harness.process(message)

    replay = Harness.create(f"sqlite:///{tmp_path / 'replay.db'}", tmp_path / "replay")
    try:
        for message in history:
            replay.process(message)
        assert replay.allocator()[1].snapshot() == harness.allocator()[1].snapshot()
        assert _rows(replay.proposals()) == _rows(harness.proposals())
        assert [r.event_id for r in replay.outbox()] == [r.event_id for r in harness.outbox()]
    finally:
        replay.close()


def test_the_cache_serves_unchanged_state_and_never_a_stale_one(harness, scenario):
    cache = harness.runtime.cache
    harness.feed(*scenario.setup("c-1"))
    assert cache.hits == 3 and cache.misses == 0  # the first event created the row

    with harness.runtime.engine.begin() as connection:  # another process saves a new version
        connection.execute(update(AllocatorStateRow.__table__).values(
            version=AllocatorStateRow.__table__.c.version + 1))
    harness.feed(scenario.vacancy("v-1"))

    assert cache.misses == 1  # re-parsed from the database, not the stale copy
    assert len(harness.proposals()) == 1


def test_a_version_conflict_is_redone_and_not_lost(harness, scenario, monkeypatch):
    # (real races between processes are in tests/integration/allocation: on SQLite one
    # process cannot race itself, its write lock is taken at BEGIN)
    harness.feed(*scenario.setup("c-1", "c-2"))
    store_class = type(harness.runtime.uow().__enter__().allocators)
    real_save = store_class.save
    state = AllocatorStateRow.__table__

    def save_after_a_rival(self, allocator):
        if not harness.processor.conflicts:  # a rival saved between our read and our write
            self.session.execute(update(state).values(version=state.c.version + 1))
        return real_save(self, allocator)

    monkeypatch.setattr(store_class, "save", save_after_a_rival)
    assert harness.process(inbound(scenario.vacancy("v-1"))) is Outcome.HANDLED

    assert harness.processor.conflicts == 1
    version, alloc = harness.allocator()
    assert version == 7 and alloc.vacancy("v-1") is not None
    assert len(harness.proposals()) == 1 and len(harness.outbox()) == 2


def _rows(rows) -> list[dict]:
    return [{k: v for k, v in row.model_dump().items() if k != "updated_at"} for row in rows]
