"""The read-model consumer: one kafka-python consumer without a consumer group.

It assigns every partition of the topics monitoring reads and seeks to the beginning, so
every start rebuilds the in-memory read model from offset 0 (each replica reads everything;
replicas scale the read side). Messages `decode` refuses (malformed, an unknown type or
major version, data its event class rejects) and events the domain cannot apply
(`RejectedEvent`) go to the topic's DLQ with the reason (once per message: see
dead_letters.py), and reading goes on.
After a broker failure it reconnects and resumes at the positions it had reached.

Between polls it refreshes the lag per topic, and once caught up with the end offsets seen at
start it runs the alert checks: band changes when the model changed (at most once a second)
and everything every `alert_check_seconds`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kafka import TopicPartition

from services.monitoring.adapters.dead_letters import DeadLetterSink
from services.monitoring.adapters.metrics import MonitoringMetrics
from services.monitoring.domain import RejectedEvent
from services.monitoring.service.alerts import AlertChecker
from services.monitoring.service.live import LiveModel
from services.monitoring.service.stapeling_alerts import StapelingAlerts
from shared.api import Lifecycle
from shared.contracts import topics
from shared.contracts.envelope import PoisonMessage, decode
from shared.messaging.kafka_clients import make_consumer
from shared.settings import MonitoringSettings

log = logging.getLogger(__name__)

CONSUMER_NAME = "monitoring.read-model"
CONSUMED_TOPICS = (topics.MUNICIPALITIES, topics.DWELLINGS, topics.VACANCIES, topics.AGREEMENTS,
                   topics.CANDIDATES, topics.PROPOSALS, topics.PLACEMENTS,
                   topics.WOONZORGVISIE)
LAG_REFRESH_SECONDS = 1.0
BAND_CHECK_MIN_SECONDS = 1.0


class ReadModelConsumer(Lifecycle):
    def __init__(self, settings: MonitoringSettings, live: LiveModel,
                 dead_letters: DeadLetterSink, metrics: MonitoringMetrics,
                 checker: AlertChecker, *, consumer_factory: Callable = make_consumer,
                 stapeling: StapelingAlerts | None = None):
        self.settings = settings
        self.live = live
        self.dead_letters = dead_letters
        self.metrics = metrics
        self.checker = checker
        self.stapeling = stapeling
        self.consumer_factory = consumer_factory
        self.positions: dict[TopicPartition, int] = {}
        self.replay_target: dict[TopicPartition, int] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lag_at = 0.0
        self._bands_at = 0.0
        self._bands_version = -1
        self._full_check_at = 0.0

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="monitoring-read-model",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(15)
        self.dead_letters.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            consumer = None
            try:
                consumer = self._connect()
                if consumer is not None:
                    self._loop(consumer)
            except Exception:  # broker away: reconnect and resume at the positions reached
                log.exception("read-model consumer failed; reconnecting")
                self._stop.wait(2.0)
            finally:
                if consumer is not None:
                    try:
                        consumer.close(autocommit=False)
                    except Exception:  # closing after a failure may fail as well
                        pass

    # --- reading --------------------------------------------------------------------------

    def _connect(self):
        consumer = self.consumer_factory(self.settings, group_id=None,
                                         client_id="woonregie-monitoring-read-model")
        assigned = self._partitions(consumer)
        if assigned is None:
            consumer.close(autocommit=False)
            return None
        consumer.assign(assigned)
        fresh = [tp for tp in assigned if tp not in self.positions]
        if fresh:
            consumer.seek_to_beginning(*fresh)
        for tp in assigned:
            if tp in self.positions:
                consumer.seek(tp, self.positions[tp])
        if self.replay_target is None:
            self.replay_target = consumer.end_offsets(assigned)
            log.info("replaying monitoring topics from offset 0",
                     extra={"messages": sum(self.replay_target.values())})
        return consumer

    def _partitions(self, consumer) -> list[TopicPartition] | None:
        """Every partition of the consumed topics; None (retry later) while one is missing."""
        deadline = time.monotonic() + 30
        while not self._stop.is_set():
            found = {t.name: consumer.partitions_for_topic(t.name) for t in CONSUMED_TOPICS}
            if all(found.values()):
                return [TopicPartition(name, p) for name, parts in found.items()
                        for p in sorted(parts)]
            if time.monotonic() > deadline:
                missing = sorted(name for name, parts in found.items() if not parts)
                log.warning("monitoring topics missing; retrying", extra={"topics": missing})
                deadline = time.monotonic() + 30
            self._stop.wait(0.5)
        return None

    def _loop(self, consumer) -> None:
        while not self._stop.is_set():
            batches = consumer.poll(timeout_ms=200, max_records=500)
            for tp, records in batches.items():
                for record in records:
                    self.handle(record)
                    self.positions[tp] = record.offset + 1
            self._after_poll(consumer)

    def handle(self, record) -> str:
        """Apply one Kafka record to the read model; returns the outcome."""
        try:
            received = decode(record.value)
            outcome = "applied" if self.live.apply(received) else "duplicate"
        except PoisonMessage as exc:
            outcome = self._dead_letter(record, exc.reason)
        except RejectedEvent as exc:
            outcome = self._dead_letter(record, f"rejected by {CONSUMER_NAME}: {exc}")
        except Exception as exc:  # a bug must not stop the read model on this message forever
            log.exception("monitoring could not apply an event",
                          extra={"topic": record.topic, "offset": record.offset})
            outcome = self._dead_letter(
                record, f"failed in {CONSUMER_NAME}: {type(exc).__name__}: {exc}")
        self.metrics.count(record.topic, outcome)
        return outcome

    def _dead_letter(self, record, reason: str) -> str:
        if self.dead_letters.send(record, reason):
            self.metrics.dead_letters.labels(topic=record.topic).inc()
        return "dead-lettered"

    # --- between polls --------------------------------------------------------------------

    def _after_poll(self, consumer) -> None:
        for tp in consumer.assignment():  # past compacted gaps and control records too
            self.positions[tp] = consumer.position(tp)
        now = time.monotonic()
        if now - self._lag_at >= LAG_REFRESH_SECONDS:
            self._lag_at = now
            self._refresh_lag(consumer)
        if not self.live.replayed.is_set():
            if not self._caught_up():
                return
            self.live.replayed.set()
            self.metrics.replay_complete.set(1)
            log.info("monitoring read model rebuilt", extra={"events": self.live.version})
        self._run_checks(now)

    def _caught_up(self) -> bool:
        return all(self.positions.get(tp, 0) >= end for tp, end in self.replay_target.items())

    def _refresh_lag(self, consumer) -> None:
        assigned = list(consumer.assignment())
        ends = consumer.end_offsets(assigned)
        lag: dict[str, int] = {t.name: 0 for t in CONSUMED_TOPICS}
        for tp in assigned:
            lag[tp.topic] += max(0, ends[tp] - consumer.position(tp))
        for topic, value in lag.items():
            self.metrics.lag.labels(topic=topic).set(value)

    def _run_checks(self, now: float) -> None:
        try:
            if now - self._full_check_at >= self.settings.alert_check_seconds:
                self._full_check_at = now
                self._bands_at, self._bands_version = now, self.live.version
                self.checker.check_bands()
                self.checker.check_stalled()
                self._check_stapeling()
            elif (self.live.version != self._bands_version
                  and now - self._bands_at >= BAND_CHECK_MIN_SECONDS):
                self._bands_at, self._bands_version = now, self.live.version
                self.checker.check_bands()
                self._check_stapeling()
        except Exception:  # database briefly away: the next round tries again
            log.exception("monitoring alert check failed")

    def _check_stapeling(self) -> None:
        if self.stapeling is not None:
            self.stapeling.check()
