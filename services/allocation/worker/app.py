"""The allocation worker: a Faust app that feeds the input topics to the service layer and
expires due proposals, with the outbox relay publishing what they decided.

`woonregie worker allocation` calls `run_worker(settings)`. Faust is configured as a plain
consumer-group member: no web server, no tables, no topics of its own (the broker's
auto-create is off and every topic exists already), offsets from the start for a new group.
"""

from __future__ import annotations

import ssl
import threading
from dataclasses import dataclass

import faust
from faust.auth import Credentials

from services.allocation.bootstrap import bootstrap, inputs_processor
from services.allocation.service.commands import DecideDueVacancies, ExpireDueProposals
from services.allocation.service.processing import PatientProcessor
from services.allocation.worker.agents import install_agents, install_timers
from services.allocation.worker.topics import inputs_topic
from shared.logs import setup_logging
from shared.runtime import Runtime, freeze_startup_objects
from shared.settings import AllocationSettings
from shared.telemetry import setup_telemetry

# Expiry works by the Amsterdam date, so a check every few minutes acts within minutes of
# midnight and costs nothing in between (the aggregate stays cached while nothing changes).
EXPIRY_CHECK_SECONDS = 300.0
SESSION_TIMEOUT_SECONDS = 10.0


@dataclass
class Worker:
    app: faust.App
    runtime: Runtime
    processor: PatientProcessor
    stop: threading.Event
    agent: object


def broker_urls(bootstrap_servers: str) -> list[str]:
    return [f"kafka://{host.strip()}" for host in bootstrap_servers.split(",") if host.strip()]


def broker_credentials(settings: AllocationSettings) -> Credentials | None:
    """The same security settings the kafka-python clients use (settings.kafka_security)."""
    protocol = settings.kafka_security_protocol
    tls = None
    if protocol in ("SSL", "SASL_SSL"):
        cafile = str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None
        tls = ssl.create_default_context(cafile=cafile)
    if protocol.startswith("SASL"):
        password = settings.kafka_sasl_password
        return faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=password.get_secret_value() if password else None,
            mechanism=settings.kafka_sasl_mechanism or "PLAIN", ssl_context=tls)
    if tls is not None:
        return faust.SSLCredentials(tls)
    return None


def create_faust_app(settings: AllocationSettings) -> faust.App:
    datadir = settings.data_dir / "faust"  # Faust's own files; not the current directory
    datadir.mkdir(parents=True, exist_ok=True)
    return faust.App(
        settings.consumer_group,  # the app id is the consumer group
        broker=broker_urls(settings.kafka_bootstrap),
        broker_credentials=broker_credentials(settings),
        store="memory://",
        datadir=str(datadir),
        web_enabled=False,
        autodiscover=False,
        topic_allow_declare=False,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        # A dead worker's partitions move to the survivors once the broker misses its
        # heartbeats for this long (Kafka's default is 45 s). Processing runs in a thread, so
        # a long transaction never delays a heartbeat and 10 s causes no false alarms.
        broker_session_timeout=SESSION_TIMEOUT_SECONDS,
        broker_heartbeat_interval=SESSION_TIMEOUT_SECONDS / 4,
    )


def create_worker(settings: AllocationSettings, runtime: Runtime | None = None,
                  expiry_seconds: float = EXPIRY_CHECK_SECONDS) -> Worker:
    runtime = runtime or bootstrap(settings)
    stop = threading.Event()
    processor = inputs_processor(runtime, stop)
    app = create_faust_app(settings)
    agent = install_agents(app, inputs_topic(app), processor.process_batch)
    bus = runtime.bus
    install_timers(app, lambda: (bus.handle(ExpireDueProposals())
                                 + bus.handle(DecideDueVacancies())), expiry_seconds)

    return Worker(app, runtime, processor, stop, agent)


def run_worker(settings: AllocationSettings) -> None:
    setup_logging(settings.log_level, settings.log_json)
    setup_telemetry(settings)
    worker = create_worker(settings, expiry_seconds=settings.timer_seconds)
    freeze_startup_objects()
    worker.runtime.relay.start()
    try:
        faust.Worker(worker.app, loglevel=settings.log_level.lower(), quiet=True,
                     override_logging=False).execute_from_commandline()
    finally:
        worker.stop.set()  # a message waiting for its database stays unacked
        worker.runtime.relay.stop()
        worker.processor.processor.dead_letters.close()
