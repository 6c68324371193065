"""The one place where monitoring's adapters are chosen and wired.

One process: the API serves the in-memory read model that the read-model consumer (a
background thread) rebuilds from offset 0 at every start; the database holds the outbox for
alerts and the alert log that keeps a restart from alerting twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from services.monitoring.adapters.consumer import CONSUMER_NAME, ReadModelConsumer
from services.monitoring.adapters.dead_letters import DeadLetterSink
from services.monitoring.adapters.metrics import MonitoringMetrics
from services.monitoring.adapters.tables import INFRA
from services.monitoring.domain import BandPolicy
from services.monitoring.service.alerts import AlertChecker
from services.monitoring.service.live import LiveModel
from services.monitoring.service.stapeling_alerts import StapelingAlerts
from services.monitoring.service.uow import MonitoringUnitOfWork
from shared.contracts.periods import today_amsterdam
from shared.db import make_engine
from shared.messaging.kafka_clients import make_consumer
from shared.runtime import Runtime
from shared.settings import MonitoringSettings


@dataclass
class MonitoringRuntime(Runtime):
    live: LiveModel = field(init=False)
    metrics: MonitoringMetrics = field(init=False)
    alerts: AlertChecker = field(init=False)
    consumer: ReadModelConsumer = field(init=False)
    today: Callable[[], date] = field(init=False)


def bootstrap(settings: MonitoringSettings, *, producer_factory: Callable | None = None,
              consumer_factory: Callable = make_consumer,
              today: Callable[[], date] = today_amsterdam) -> MonitoringRuntime:
    runtime = MonitoringRuntime(settings=settings, engine=make_engine(settings.db_url()),
                                infra=INFRA, uow_class=MonitoringUnitOfWork,
                                producer_factory=producer_factory)
    live = LiveModel(BandPolicy(relative=settings.band_relative_tolerance,
                                minimum=settings.band_minimum_tolerance))
    metrics = MonitoringMetrics(live, threshold=settings.suppression_threshold,
                                exact=settings.metrics_exact)
    checker = AlertChecker(live, runtime.uow, stalled_days=settings.stalled_proposal_days,
                           today=today, on_alert=metrics.alert_emitted,
                           accepted_days=settings.stalled_accepted_days)
    dead_letters = DeadLetterSink(runtime.producer_factory, runtime.uow, CONSUMER_NAME)
    stapeling = StapelingAlerts(live, runtime.uow, on_alert=metrics.alert_emitted)
    consumer = ReadModelConsumer(settings, live, dead_letters, metrics, checker,
                                 consumer_factory=consumer_factory, stapeling=stapeling)
    runtime.live, runtime.metrics, runtime.alerts = live, metrics, checker
    runtime.consumer, runtime.today = consumer, today
    return runtime


def lifecycles(runtime: MonitoringRuntime) -> list:
    """What runs beside the API, in start order."""
    return [runtime.relay, runtime.consumer]
