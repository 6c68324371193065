"""The worker's agent and timers: thin adapters from Faust to the service layer.

One agent over all input topics, with concurrency 1: messages are processed one at a time, so
each partition keeps its order (a candidate's registration before its urgency). Acks are
manual (`noack`): a message is acknowledged only after its effects are committed, so a crash
or a stop in between redelivers it, and the ledger makes the redelivery harmless.
The processing is blocking (SQL, the DLQ producer), so it runs in a thread: the event loop
stays free for heartbeats and fetching.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import faust

from services.allocation.service.processing import Stopping
from shared.consuming import Inbound, Outcome

log = logging.getLogger(__name__)

AGENT_NAME = "allocation-inputs"


def install_agents(app: faust.App, topic: faust.TopicT,
                   process: Callable[[Inbound], Outcome]):
    @app.agent(topic, name=AGENT_NAME, concurrency=1)
    async def allocation_inputs(stream):
        manual = stream.noack()
        async for event in manual.events():
            try:
                outcome = await asyncio.to_thread(process, Inbound.from_faust(event))
            except Stopping:
                log.info("stopping with a message unprocessed; it will be redelivered")
                return
            await manual.ack(event)
            # yielded for observers (test_context waits for it); nothing else consumes it
            yield outcome

    return allocation_inputs


def install_timers(app: faust.App, expire: Callable[[], int], interval: float):
    """Expire due proposals at start and then every `interval` seconds. Expiry is by the
    Amsterdam date, so all but the first run after midnight find nothing to do. Every worker
    runs it: a second one finds the first one's result (or redoes on a version conflict)."""

    async def run_expiry() -> None:
        try:
            emitted = await asyncio.to_thread(expire)
        except Exception:  # database briefly away: the next round tries again
            log.exception("expiring due proposals failed")
            return
        if emitted:
            log.info("proposals expired", extra={"events": emitted})

    @app.task
    async def expire_at_start():
        await run_expiry()

    @app.timer(interval=interval)
    async def expire_periodically():
        await run_expiry()

    return expire_at_start, expire_periodically
