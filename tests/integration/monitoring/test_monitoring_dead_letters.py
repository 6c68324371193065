"""A poison message on a consumed topic ends in that topic's DLQ with the reason, once, and
the read model goes on with the next message."""

from __future__ import annotations

import json
from datetime import date

import pytest
from factories import sample_event
from kafka_helpers import consume_all, produce
from monitoring_helpers import (
    RunningMonitoring,
    eventually,
    publish,
    realisation_row,
    short_id,
)
from platform_fixtures import service_settings

from shared.contracts import events as ev
from shared.contracts.envelope import encode

pytestmark = pytest.mark.kafka
CONSUMER = "monitoring.read-model"


def letters_for(bootstrap: str, topic: str, key: str) -> list[dict]:
    return [json.loads(m.value) for m in consume_all(bootstrap, f"{topic}.dlq")
            if m.key == key and json.loads(m.value)["consumer"] == CONSUMER]


def test_poison_goes_to_the_dlq_once_and_reading_goes_on(tmp_path, kafka_bootstrap,
                                                         auth_db_url, scenario, province):
    placements = ev.CandidatePlaced.TOPIC.name
    agreements = ev.AgreementPublished.TOPIC.name
    key = short_id("poison")
    wrong_major = encode(sample_event(ev.CandidatePlaced), source="urn:test").replace(
        b".candidate-placed.v1", b".candidate-placed.v7")
    backwards = sample_event(ev.AgreementPublished, scope=short_id("bad"),
                             period_start=date(2026, 12, 31), period_end=date(2026, 1, 1))
    produce(kafka_bootstrap, placements, key, b"{definitely not json")
    produce(kafka_bootstrap, placements, key, wrong_major)
    produce(kafka_bootstrap, agreements, key, encode(backwards, source="urn:test"))
    publish(kafka_bootstrap, scenario.agreement(), *scenario.placement())

    settings = service_settings("monitoring", tmp_path, kafka_bootstrap, auth_db_url)
    with RunningMonitoring(settings) as monitoring:
        assert realisation_row(monitoring, scenario, province)["realised"] == 1
        letters = eventually(lambda: len(letters_for(kafka_bootstrap, placements, key)) == 2
                             and letters_for(kafka_bootstrap, placements, key))
        assert "not JSON" in letters[0]["error"]
        assert "unsupported major version v7" in letters[1]["error"]
        assert letters[0]["rawText"] == "{definitely not json"
        rejected = letters_for(kafka_bootstrap, agreements, key)
        assert len(rejected) == 1 and "periodEnd: is before periodStart" in rejected[0]["error"]
        text = monitoring.get("/metrics").text
        assert f'woonregie_monitoring_dead_letters_total{{topic="{placements}"}}' in text

    # a restart on the same database replays the poison, but does not send it again
    with RunningMonitoring(settings) as monitoring:
        assert realisation_row(monitoring, scenario, province)["realised"] == 1
    assert len(letters_for(kafka_bootstrap, placements, key)) == 2
    assert len(letters_for(kafka_bootstrap, agreements, key)) == 1

