"""Prometheus metrics of one monitoring process, in a registry of its own (not the global
one), so that several apps can live in one test process.

- woonregie_monitoring_consumer_lag{topic}: end offset minus position, summed over partitions
- woonregie_monitoring_events_processed_total{topic,outcome}: applied | duplicate | dead-lettered
- woonregie_monitoring_dead_letters_total{topic}: sent to the topic's DLQ by this process
- woonregie_monitoring_replay_complete: 1 once the topics were read up to their end at start
- woonregie_monitoring_alerts_emitted_total{kind}
- woonregie_realisation_{target,realised,expected_to_date,lag}{scope,period,municipality}:
  computed at scrape time for every agreement; small realised counts (and what derives from
  them) are left out, as in the public API, unless `metrics_exact` is set.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import GaugeMetricFamily

from services.monitoring.domain import REALISATION_COUNTS, REALISATION_DEPENDENTS, suppress_row
from services.monitoring.service.live import LiveModel

REALISATION_GAUGES = (
    ("target", "target", "agreed target of urgent lettings (with carry-over)"),
    ("realised", "realised", "urgent lettings realised in the period"),
    ("expected_to_date", "expectedToDate", "expected realisation to date"),
    ("lag", "lag", "realised minus expected to date"),
)


class RealisationCollector:
    def __init__(self, live: LiveModel, threshold: int, exact: bool):
        self.live = live
        self.threshold = threshold
        self.exact = exact

    def collect(self):
        families = {field: GaugeMetricFamily(f"woonregie_realisation_{name}", text,
                                             labels=["scope", "period", "municipality"])
                    for name, field, text in REALISATION_GAUGES}
        for scope, period, row in self.live.read(self._rows):
            if not self.exact:
                row = suppress_row(row, REALISATION_COUNTS, threshold=self.threshold,
                                   dependents=REALISATION_DEPENDENTS)
            for field, family in families.items():
                if row.get(field) is not None:
                    family.add_metric([scope, period, row["municipality"]], float(row[field]))
        yield from families.values()

    def _rows(self, model):
        rows = []
        for scope, period in sorted(model.agreements):
            report = model.realisation(period, scope, policy=self.live.policy)
            rows += [(scope, period, r.to_dict()) for r in report.municipalities]
        return rows


class MonitoringMetrics:
    def __init__(self, live: LiveModel, *, threshold: int = 5, exact: bool = False):
        self.registry = CollectorRegistry(auto_describe=True)
        self.lag = Gauge("woonregie_monitoring_consumer_lag",
                         "messages not yet read: end offset minus position", ["topic"],
                         registry=self.registry)
        self.processed = Counter("woonregie_monitoring_events_processed",
                                 "messages read from the topics, by outcome",
                                 ["topic", "outcome"], registry=self.registry)
        self.dead_letters = Counter("woonregie_monitoring_dead_letters",
                                    "messages sent to the topic's DLQ", ["topic"],
                                    registry=self.registry)
        self.replay_complete = Gauge("woonregie_monitoring_replay_complete",
                                     "1 once the read model has caught up after start",
                                     registry=self.registry)
        self.alerts = Counter("woonregie_monitoring_alerts_emitted", "alerts emitted, by kind",
                              ["kind"], registry=self.registry)
        self.registry.register(RealisationCollector(live, threshold, exact))

    def count(self, topic: str, outcome: str) -> None:
        self.processed.labels(topic=topic, outcome=outcome).inc()

    def alert_emitted(self, kind: str) -> None:
        self.alerts.labels(kind=kind).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
