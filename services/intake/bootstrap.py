"""The one place where intake's adapters are chosen and wired."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from services.intake.adapters.background import ExpiryScheduler
from services.intake.adapters.crypto import PersonalDataCipher
from services.intake.adapters.keys import resolve_keys
from services.intake.adapters.tables import INFRA
from services.intake.domain.geography import load_geography
from services.intake.domain.income import load_income_limits
from services.intake.service.handlers import (
    HANDLERS,
    RETRY,
    Deps,
    on_placement_event,
    on_urgency_input,
)
from services.intake.service.uow import IntakeUnitOfWork
from shared.bus import MessageBus
from shared.contracts import topics
from shared.contracts.periods import today_amsterdam
from shared.db import make_engine
from shared.messaging.consuming import ConsumerThread, event_consumer
from shared.runtime import Runtime
from shared.settings import IntakeSettings


@dataclass
class IntakeRuntime(Runtime):
    bus: MessageBus[Deps] = field(init=False)
    expiry: ExpiryScheduler = field(init=False)
    placements: ConsumerThread = field(init=False)
    urgency_inputs: ConsumerThread = field(init=False)


def bootstrap(settings: IntakeSettings, *, producer_factory: Callable | None = None,
              clock: Callable[[], date] = today_amsterdam) -> IntakeRuntime:
    keys = resolve_keys(settings)
    runtime = IntakeRuntime(
        settings=settings,
        engine=make_engine(settings.db_url()),
        infra=INFRA,
        uow_class=IntakeUnitOfWork.with_cipher(PersonalDataCipher(keys.encryption_keys)),
        producer_factory=producer_factory,
    )
    deps = Deps(pseudonym_key=keys.pseudonym_key, limits=load_income_limits(),
                geography=load_geography(),
                urgency_validity_days=settings.default_urgency_validity_days, clock=clock)
    runtime.bus = MessageBus(runtime.uow, HANDLERS, deps, RETRY)
    runtime.expiry = ExpiryScheduler(runtime.bus, settings.expiry_check_seconds)
    runtime.placements = event_consumer(
        f"{settings.service_name}.placements", settings, (topics.PLACEMENTS.name,),
        group_id=settings.consumer_group, uow_factory=runtime.uow,
        handler=lambda uow, received: on_placement_event(uow, received, deps),
        producer_factory=runtime.producer_factory,
    )
    runtime.urgency_inputs = event_consumer(
        f"{settings.service_name}.urgency-inputs", settings,
        (topics.AGREEMENTS.name, topics.PROPOSALS.name),
        group_id=settings.consumer_group, uow_factory=runtime.uow,
        handler=lambda uow, received: on_urgency_input(uow, received, deps),
        producer_factory=runtime.producer_factory,
    )
    return runtime


def lifecycles(runtime: IntakeRuntime) -> list:
    """What runs beside the API, in start order."""
    return [runtime.relay, runtime.expiry, runtime.placements, runtime.urgency_inputs]
