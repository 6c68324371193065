"""/metrics for Prometheus: consumer lag per topic, events processed, DLQ counts, replay
state and realisation gauges."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from monitoring_helpers import eventually, publish, realisation_row
from services.monitoring.adapters.consumer import CONSUMED_TOPICS

pytestmark = pytest.mark.kafka


def samples(client) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def test_metrics_expose_lag_processed_counts_and_gauges(monitoring, scenario, province,
                                                        kafka_bootstrap):
    publish(kafka_bootstrap, scenario.agreement(), *scenario.placement())
    eventually(lambda: realisation_row(monitoring, scenario, province)["realised"] == 1)
    found = eventually(lambda: (s := samples(monitoring)) and s.get(
        ("woonregie_realisation_target", frozenset({"scope": scenario.scope, "period": "2026",
                                                    "municipality": scenario.code}.items())))
        and s)
    for topic in CONSUMED_TOPICS:
        lag = found[("woonregie_monitoring_consumer_lag", frozenset({"topic": topic.name}.items()))]
        assert lag >= 0
    processed = found[("woonregie_monitoring_events_processed_total",
                       frozenset({"topic": "allocation.placements.v1",
                                  "outcome": "applied"}.items()))]
    assert processed >= 1
    assert found[("woonregie_monitoring_replay_complete", frozenset())] == 1
    labels = frozenset({"scope": scenario.scope, "period": "2026",
                        "municipality": scenario.code}.items())
    assert found[("woonregie_realisation_target", labels)] == 10
    assert ("woonregie_realisation_realised", labels) not in found  # 1 is under 5: left out


def test_lag_drains_to_zero_once_read(monitoring, scenario, province, kafka_bootstrap):
    publish(kafka_bootstrap, scenario.agreement())
    eventually(lambda: realisation_row(monitoring, scenario, province))
    key = ("woonregie_monitoring_consumer_lag",
           frozenset({"topic": "allocation.placements.v1"}.items()))
    publish(kafka_bootstrap, *scenario.placement())
    eventually(lambda: samples(monitoring)[key] == 0)
