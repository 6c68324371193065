"""The worker's agent and timers: thin adapters from Faust to the service layer.

One agent over all input topics, with concurrency 1. It takes the messages in batches (what
arrived within `BATCH_WITHIN` seconds, more under load: see below) and processes a batch in
order in one unit of work (`PatientProcessor.process_batch`: one aggregate load, every
message applied, one save with all outbox and ledger rows, one commit), so each partition
keeps its order (a candidate's registration before its urgency) and the aggregate is written
once per batch instead of once per message. Acks are manual: a batch is acknowledged only
after its effects are committed, so a crash or a stop in between redelivers it, and the
ledger makes the redelivery harmless. The processing is blocking (SQL, the DLQ producer), so
it runs in a thread: the event loop stays free for heartbeats and fetching.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

import faust

from services.allocation.service.processing import Stopping
from shared.messaging.consuming import Inbound, Outcome

log = logging.getLogger(__name__)

AGENT_NAME = "allocation-inputs"
# Faust hands over what arrived within BATCH_WITHIN seconds (at most BATCH_SIZE). A batch
# costs a fixed part (one transaction, the scope's version row) plus a part per message, so
# under load, when the previous batch held at least LINGER_FROM messages, the agent lingers
# for more: as long as the previous batch took to process (at most MAX_LINGER), or until it
# holds BATCH_SIZE (one take may overshoot it). Below that load a message never waits for
# company: lingering would only add the batch's time to every message's latency.
BATCH_SIZE = 1000
BATCH_WITHIN = 0.005
MAX_LINGER = 0.25
LINGER_FROM = 100


def install_agents(app: faust.App, topic: faust.TopicT,
                   process_batch: Callable[[Sequence[Inbound]], list[Outcome]], *,
                   batch_size: int = BATCH_SIZE, within: float = BATCH_WITHIN,
                   max_linger: float = MAX_LINGER, linger_from: int = LINGER_FROM):
    @app.agent(topic, name=AGENT_NAME, concurrency=1)
    async def allocation_inputs(stream):
        loop = asyncio.get_running_loop()
        manual = stream.noack()
        takes = manual.noack_take(batch_size, within=within).__aiter__()
        # the next take stays under way while a batch is processed (it is never cancelled
        # by a timeout: that would end Faust's take), so the next messages gather meanwhile
        upcoming = asyncio.ensure_future(takes.__anext__())
        took = 0.0  # how long the previous batch took to process
        previous = 0  # and how many messages it held
        try:
            while True:
                events = list(await upcoming)
                upcoming = asyncio.ensure_future(takes.__anext__())
                linger = min(took, max_linger) if previous >= linger_from else 0.0
                deadline = loop.time() + linger
                while len(events) < batch_size and (left := deadline - loop.time()) > 0:
                    done, _ = await asyncio.wait({upcoming}, timeout=left)
                    if not done:
                        break
                    events += upcoming.result()
                    upcoming = asyncio.ensure_future(takes.__anext__())
                messages = [Inbound.from_faust(event) for event in events]
                started = loop.time()
                try:
                    outcomes = await asyncio.to_thread(process_batch, messages)
                except Stopping:
                    log.info("stopping with messages unprocessed; they will be redelivered",
                             extra={"messages": len(messages)})
                    return
                took, previous = loop.time() - started, len(events)
                for event in events:
                    await manual.ack(event)
                # yielded for observers (test_context waits for them); nothing else uses them
                for outcome in outcomes:
                    yield outcome
        finally:
            upcoming.cancel()

    return allocation_inputs


def install_timers(app: faust.App, expire: Callable[[], int], interval: float):
    """The day's due work (expire proposals, decide held-back vacancies) at start and then
    every `interval` seconds. Both go by the Amsterdam date, so all but the first run after
    midnight find nothing to do. Every worker
    runs it: a second one finds the first one's result (or redoes on a version conflict)."""

    async def run_expiry() -> None:
        try:
            emitted = await asyncio.to_thread(expire)
        except Exception:  # database briefly away: the next round tries again
            log.exception("expiring due proposals failed")
            return
        if emitted:
            log.info("due work done", extra={"events": emitted})

    @app.task
    async def expire_at_start():
        await run_expiry()

    @app.timer(interval=interval)
    async def expire_periodically():
        await run_expiry()

    return expire_at_start, expire_periodically
