"""The Faust agent and timers without a broker (test_context), on a real SQLite database."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

import pytest
from allocation_service_helpers import harness, scenario  # noqa: F401  (fixtures)

from services.allocation.bootstrap import INPUTS_CONSUMER
from services.allocation.service.commands import ExpireDueProposals
from services.allocation.worker.agents import install_agents, install_timers
from services.allocation.worker.app import (
    broker_credentials,
    broker_urls,
    create_faust_app,
    create_worker,
)
from services.allocation.worker.topics import CONSUMED
from shared.contracts.envelope import encode
from shared.contracts.topics import CANDIDATES
from shared.messaging.consuming import Outcome
from shared.settings import AllocationSettings

SOURCE = "urn:woonregie:tests"


@dataclass
class AgentUnderTest:
    app: object
    agent: object
    processor: object


@pytest.fixture
def worker(harness):
    """The worker's agent around the harness's processor, finalized for test_context.

    On one input topic: test_context names a message's topic after the agent's topic, and a
    dead letter needs a real topic name (`<topic>.dlq`); `create_worker` wires all of them.
    """
    app = create_faust_app(harness.runtime.settings)
    agent = install_agents(app, app.topic(CANDIDATES.name, key_serializer="raw",
                                          value_serializer="raw", internal=False),
                           harness.processor.process_batch)
    app.finalize()
    app.conf.store = "memory://"
    app.flow_control.resume()
    return AgentUnderTest(app, agent, harness.processor)


def test_the_worker_reads_every_input_topic_as_raw_bytes(harness):
    built = create_worker(harness.runtime.settings, runtime=harness.runtime)
    [topic] = [built.agent.channel]
    assert set(topic.topics) == {t.name for t in CONSUMED}
    assert topic.value_serializer == "raw" and topic.internal is False
    assert built.processor.processor.consumer == INPUTS_CONSUMER


async def put_all(agent, events) -> None:
    async with agent.test_context() as running:
        for event in events:
            await running.put(value=encode(event, source=SOURCE), key=event.key().encode())


async def test_the_agent_turns_raw_events_into_a_proposal(worker, harness, scenario):
    await put_all(worker.agent, [*scenario.setup("c-1"), scenario.vacancy("v-1")])

    [row] = harness.proposals()
    assert (row.candidate_id, row.vacancy_id, row.status) == ("c-1", "v-1", "open")
    assert worker.processor.counts[Outcome.HANDLED] == 5


async def test_poison_is_dead_lettered_and_the_agent_goes_on(worker, harness, scenario):
    async with worker.agent.test_context() as running:
        await running.put(value=b"\x00\x01 definitely not json", key=b"k")
        await running.put(value=b'{"specversion": "1.0"}', key=b"k")
        for event in [*scenario.setup("c-1"), scenario.vacancy("v-1")]:
            await running.put(value=encode(event, source=SOURCE), key=event.key().encode())

    assert worker.processor.counts[Outcome.DEAD_LETTERED] == 2
    assert len(harness.dead_letters()) == 2
    assert len(harness.proposals()) == 1


async def test_a_redelivered_message_is_a_duplicate(worker, harness, scenario):
    vacancy = encode(scenario.vacancy("v-1"), source=SOURCE, event_id="vacancy-1")
    async with worker.agent.test_context() as running:
        for event in scenario.setup("c-1"):
            await running.put(value=encode(event, source=SOURCE), key=event.key().encode())
        for _ in range(3):
            await running.put(value=vacancy, key=b"0014010011067299")

    assert worker.processor.counts[Outcome.DUPLICATE] == 2
    assert len(harness.proposals()) == 1


async def test_messages_are_processed_one_at_a_time_in_order(harness, scenario):
    """A candidate's urgency right after the registration: out of order it would be
    dead-lettered as an unknown candidate."""
    seen = []
    app = create_faust_app(harness.runtime.settings)
    agent = install_agents(app, app.channel(), lambda batch: [
        seen.append(message.offset) for message in batch])
    app.finalize()
    app.conf.store = "memory://"
    async with agent.test_context() as running:
        for _ in range(20):
            await running.put(value=b"x", key=b"k")  # offsets 0, 1, 2, ...
    assert seen == list(range(20))


async def test_the_expiry_timer_expires_due_proposals_and_proposes_the_next(
        worker, harness, scenario):
    await put_all(worker.agent, [*scenario.setup("c-1", "c-2"), scenario.vacancy("v-1")])
    [first] = harness.proposals()
    harness.today.append(date(2026, 3, 17))  # the proposal's last day was 16 March

    expire_at_start, _ = install_timers(
        worker.app, lambda: harness.bus.handle(ExpireDueProposals()), 3600)
    await expire_at_start()

    rows = {r.id: r for r in harness.proposals()}
    assert rows[first.id].status == "expired"
    [second] = [r for r in rows.values() if r.status == "open"]
    assert second.candidate_id != first.candidate_id and second.attempt == 2
    assert second.proposed_on == date(2026, 3, 17)


async def test_a_failing_expiry_round_is_logged_and_the_timer_lives_on(worker, caplog):
    def broken():
        raise RuntimeError("database away")

    expire_at_start, _ = install_timers(worker.app, broken, 3600)
    await expire_at_start()  # does not raise
    assert "expiring due proposals failed" in caplog.text


def test_the_app_is_a_plain_group_member_that_creates_no_topics(harness):
    settings = harness.runtime.settings.model_copy(update={"consumer_group": "alloc-test"})
    app = create_faust_app(settings)
    assert app.conf.id == "alloc-test"
    assert app.conf.topic_allow_declare is False and app.conf.topic_disable_leader is True
    assert app.conf.web_enabled is False
    assert str(app.conf.store) == "memory:"
    assert app.conf.consumer_auto_offset_reset == "earliest"


def test_broker_settings_follow_the_kafka_settings(tmp_path):
    assert broker_urls("10.0.0.1:9092, 10.0.0.2:9092") == ["kafka://10.0.0.1:9092",
                                                          "kafka://10.0.0.2:9092"]
    assert broker_credentials(AllocationSettings(data_dir=tmp_path)) is None
    sasl = broker_credentials(AllocationSettings(
        data_dir=tmp_path, kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism="SCRAM-SHA-256", kafka_sasl_username="allocation",
        kafka_sasl_password="secret"))
    assert (sasl.username, sasl.password, sasl.mechanism.value) == (
        "allocation", "secret", "SCRAM-SHA-256")
    assert sasl.protocol.value == "SASL_PLAINTEXT"


def test_a_stopping_worker_starts_no_further_message(harness, scenario):
    from services.allocation.service.processing import Stopping

    harness.processor.stop.set()
    with pytest.raises(Stopping):
        harness.feed(scenario.municipality())
    assert harness.allocator()[0] == 0


def test_the_event_loop_stays_free_while_a_message_is_processed(harness, scenario):
    """Processing runs in a thread: heartbeats (other coroutines) keep running meanwhile."""
    ticks = []

    async def main():
        async def heartbeat():
            while True:
                ticks.append(1)
                await asyncio.sleep(0.01)

        beat = asyncio.create_task(heartbeat())
        await asyncio.to_thread(lambda: [harness.feed(*scenario.setup(*[f"c-{i}" for i in
                                                                        range(30)]))])
        beat.cancel()

    asyncio.run(main())
    assert len(ticks) > 3


async def test_waiting_messages_are_taken_as_batches_in_order(harness):
    batches: list[list[int]] = []

    def process_batch(batch):
        batches.append([message.offset for message in batch])
        return [Outcome.HANDLED] * len(batch)

    app = create_faust_app(harness.runtime.settings)
    agent = install_agents(app, app.channel(), process_batch, within=0.2)
    app.finalize()
    app.conf.store = "memory://"
    async with agent.test_context() as running:
        for _ in range(19):
            await running.put(value=b"x", key=b"k", wait=False)
        await running.put(value=b"x", key=b"k")
    assert max(len(b) for b in batches) > 1
    taken = [offset for batch in batches for offset in batch]
    assert taken == list(range(len(taken)))
