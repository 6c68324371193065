"""The one place where allocation's adapters are chosen and wired, for the API process and
the worker process alike (each builds its own Runtime, cache and relay)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from services.allocation.adapters.aggregate_store import AggregateCache
from services.allocation.adapters.tables import INFRA
from services.allocation.domain import AllocationPolicy, Pacing
from services.allocation.service.handlers import HANDLERS, RETRY, Deps, on_event
from services.allocation.service.processing import PatientProcessor
from services.allocation.service.uow import AllocationUnitOfWork
from shared.bus import MessageBus
from shared.contracts.periods import today_amsterdam
from shared.contracts.vocabulary import PROVINCE_SCOPE
from shared.db import make_engine
from shared.messaging.consuming import EventProcessor
from shared.messaging.dlq import DeadLetter
from shared.runtime import Runtime
from shared.settings import AllocationSettings

# The ledger's consumer name: the same for every worker of the group, so whichever worker
# owns a partition after a rebalance recognises what another one already processed.
INPUTS_CONSUMER = "allocation.inputs"


@dataclass
class AllocationRuntime(Runtime):
    bus: MessageBus[Deps] = field(init=False)
    deps: Deps = field(init=False)
    cache: AggregateCache = field(init=False)


def bootstrap(settings: AllocationSettings, *, producer_factory: Callable | None = None,
              today: Callable[[], date] = today_amsterdam,
              scope: str = PROVINCE_SCOPE) -> AllocationRuntime:
    policy = AllocationPolicy(proposal_expiry_days=settings.proposal_expiry_days,
                              pacing=Pacing(settings.pacing),
                              band_tolerance=settings.band_tolerance,
                              decision_lead_days=settings.decision_lead_days)
    cache = AggregateCache()
    runtime = AllocationRuntime(settings=settings, engine=make_engine(settings.db_url()),
                                infra=INFRA, uow_class=AllocationUnitOfWork.bound(cache, policy),
                                producer_factory=producer_factory)
    runtime.deps = Deps(scope=scope, policy=policy, today=today)
    runtime.bus = MessageBus(runtime.uow, HANDLERS, runtime.deps, RETRY)
    runtime.cache = cache
    return runtime


def inputs_processor(runtime: AllocationRuntime, stop: threading.Event | None = None
                     ) -> PatientProcessor:
    """What the worker runs for each consumed message: EventProcessor (decode, DLQ, ledger,
    handler) made patient with conflicts and infrastructure outages."""
    deps = runtime.deps
    processor = EventProcessor(INPUTS_CONSUMER, runtime.uow,
                               lambda uow, received: on_event(uow, received, deps),
                               LazyDeadLetters(runtime),
                               # on_event refuses before changing anything (a domain refusal
                               # leaves the aggregate as it was): a batch goes on past it
                               clean_rejections=True)
    return PatientProcessor(processor, stop=stop)


class LazyDeadLetters:
    """The DLQ producer is made at the first dead letter, not at start: a worker starting
    before the broker is reachable waits in Faust instead of failing here."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime

    def publish(self, letter: DeadLetter) -> None:
        self.runtime.dead_letters.publish(letter)

    def close(self) -> None:
        if "dead_letters" in vars(self.runtime):  # only when it was ever made
            self.runtime.dead_letters.producer.close(timeout=2)


def lifecycles(runtime: Runtime) -> list:
    """What runs beside the API: the outbox relay (responses and move-ins emit events)."""
    return [runtime.relay]
