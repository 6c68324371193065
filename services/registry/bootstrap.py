"""The one place where the registry's adapters are chosen and wired."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from services.registry.adapters.background import ReferenceSeed
from services.registry.adapters.feed import feed_consumer
from services.registry.adapters.tables import INFRA
from services.registry.domain.reference import ReferenceData, load_reference_data
from services.registry.service.deps import Deps
from services.registry.service.feed import handle_feed_record
from services.registry.service.handlers import HANDLERS, RETRY
from services.registry.service.uow import RegistryUnitOfWork
from shared.bus import MessageBus
from shared.contracts.periods import today_amsterdam
from shared.db import make_engine
from shared.messaging.consuming import ConsumerThread
from shared.runtime import Runtime
from shared.settings import RegistrySettings

FEED_CONSUMER = "registry.vacancy-feed"  # the ledger's consumer name


@dataclass
class RegistryRuntime(Runtime):
    bus: MessageBus[Deps] = field(init=False)
    reference: ReferenceData = field(init=False)
    seed: ReferenceSeed = field(init=False)
    feed: ConsumerThread = field(init=False)


def bootstrap(settings: RegistrySettings, *, producer_factory: Callable | None = None,
              today: Callable[[], date] = today_amsterdam) -> RegistryRuntime:
    runtime = RegistryRuntime(settings=settings, engine=make_engine(settings.db_url()),
                              infra=INFRA, uow_class=RegistryUnitOfWork,
                              producer_factory=producer_factory)
    reference = load_reference_data(settings.reference_data_path)
    deps = Deps(reference=reference, turnover_rate=settings.turnover_rate,
                stock_per_inhabitant=settings.social_stock_per_inhabitant, today=today)
    runtime.bus = MessageBus(runtime.uow, HANDLERS, deps, RETRY)
    runtime.reference = reference
    runtime.seed = ReferenceSeed(runtime.bus, reference)
    runtime.feed = feed_consumer(
        FEED_CONSUMER, settings, uow_factory=runtime.uow,
        handler=lambda uow, received: handle_feed_record(uow, received, deps),
        producer_factory=runtime.producer_factory)
    return runtime


def lifecycles(runtime: RegistryRuntime) -> list:
    """What runs beside the API, in start order."""
    settings: RegistrySettings = runtime.settings
    running = [runtime.seed] if settings.load_reference_data else []
    return running + [runtime.relay, runtime.feed]
