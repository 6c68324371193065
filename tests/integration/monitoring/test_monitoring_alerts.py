"""Alerts on monitoring.alerts.v1 (through the outbox) and as lines in /v1/alerts: a
municipality leaving or re-entering its band, a stalled proposal. A restart on the same
database (SQLite and PostgreSQL) rebuilds the read model from offset 0 without alerting
twice."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from kafka_helpers import consume_all
from monitoring_helpers import RunningMonitoring, Scenario, eventually, publish
from platform_fixtures import service_settings

from shared.contracts import topics
from shared.contracts.events import ProposalStalled, RealisationBandChanged
from shared.contracts.periods import today_amsterdam

pytestmark = pytest.mark.kafka


def alerts_for(bootstrap: str, code: str, kind: type) -> list:
    return [m for m in consume_all(bootstrap, topics.ALERTS.name)
            if isinstance(m.event, kind) and m.event.municipality == code]


def test_band_alerts_once_across_a_restart(tmp_path, kafka_bootstrap, auth_db_url,
                                           database_url, province):
    # target 4 of 20 expected lettings; 10 regular lettings: expected 2, realised 0: behind
    scenario = Scenario(target=4)
    publish(kafka_bootstrap, scenario.agreement(),
            *(scenario.regular_letting() for _ in range(10)))
    settings = service_settings("monitoring", tmp_path, kafka_bootstrap, auth_db_url,
                                database_url, alert_check_seconds=0.5)
    with RunningMonitoring(settings) as monitoring:
        left = eventually(lambda: alerts_for(kafka_bootstrap, scenario.code,
                                             RealisationBandChanged))
        assert len(left) == 1
        event = left[0].event
        assert (event.scope, event.period, event.previous_status, event.status) == (
            scenario.scope, "2026", None, "behind")
        assert (event.realised, event.expected_to_date, event.target) == (0, 2.0, 4)
        assert left[0].key == scenario.scope
        lines = monitoring.get("/v1/alerts", params=scenario.query, headers=province).json()
        assert [(a["kind"], a["change"], a["status"]) for a in lines["alerts"]] == [
            ("realisation-band-changed", "left-band", "behind")]
        assert lines["alerts"][0]["id"] == left[0].received.id

    with RunningMonitoring(settings) as monitoring:  # rebuilt from offset 0
        time.sleep(2.0)  # several alert rounds
        assert len(alerts_for(kafka_bootstrap, scenario.code, RealisationBandChanged)) == 1
        # two placements: 12 lettings seen, expected 2.4, realised 2: back in the band
        publish(kafka_bootstrap, *scenario.placement(), *scenario.placement())
        both = eventually(lambda: (found := alerts_for(
            kafka_bootstrap, scenario.code, RealisationBandChanged)) and len(found) == 2
            and found)
        assert (both[1].event.previous_status, both[1].event.status) == ("behind", "on-track")
        assert both[0].received.id != both[1].received.id
        lines = monitoring.get("/v1/alerts", params=scenario.query, headers=province).json()
        assert [a["change"] for a in lines["alerts"]] == ["entered-band", "left-band"]


def test_a_stalled_proposal_alerts_once(monitoring, scenario, province, kafka_bootstrap):
    days = 10  # MonitoringSettings.stalled_proposal_days
    stalled = scenario.proposal(today_amsterdam() - timedelta(days=days + 5))
    fresh = scenario.proposal(today_amsterdam() - timedelta(days=1))
    publish(kafka_bootstrap, scenario.agreement(), stalled, fresh)
    found = eventually(lambda: alerts_for(kafka_bootstrap, scenario.code, ProposalStalled))
    time.sleep(1.5)  # later rounds send nothing more
    found = alerts_for(kafka_bootstrap, scenario.code, ProposalStalled)
    assert [(m.event.proposal_id, m.event.open_days) for m in found] == [
        (stalled.proposal_id, days + 5)]
    lines = eventually(lambda: monitoring.get(
        "/v1/alerts", params={"period": str(today_amsterdam().year), "scope": scenario.code},
        headers=province).json()["alerts"])
    assert [(a["kind"], a["proposalId"]) for a in lines] == [
        ("proposal-stalled", stalled.proposal_id)]
