"""`woonregie rebuild monitoring`, run as a subprocess against a broker of this module's own
(so the topics hold only this test's traffic and the live alert log is the whole story):
the rebuilt database holds the live alert log, band statuses and dead-letter ledger; a
monitoring started on it answers every report as the live one does and alerts nothing again;
a second rebuild gives the same; a poison record is skipped and counted; a non-empty target
is refused without --force."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import date, timedelta

import pytest
from factories import sample_events
from kafka import KafkaProducer
from monitoring_helpers import (
    RunningMonitoring,
    Scenario,
    eventually,
    publish,
    replayed,
)
from platform_fixtures import POSTGRES_URL, fresh_postgres_database, service_settings
from sqlalchemy import create_engine, select, text

from services.monitoring.adapters.dead_letters import LEDGER_NAME
from services.monitoring.adapters.tables import INFRA, AlertRow, BandStatusRow
from shared.contracts import topics
from shared.db import make_engine
from shared.settings import REPO_ROOT

pytestmark = pytest.mark.kafka

REPORTS = ("/v1/realisation", "/v1/realisation-series", "/v1/flows", "/v1/waiting-times",
           "/v1/proposal-funnel", "/v1/origin-destination", "/v1/stock", "/v1/alerts",
           "/v1/active-households", "/v1/decision-times", "/v1/filter-options",
           "/v1/stapeling", "/v1/programme-realisation", "/v1/housing-gap")


def traffic(scenario: Scenario) -> list:
    """Every input event type once, plus an agreement the municipality lags behind (target
    4 of 20 expected lettings, 10 regular lettings, none urgent: a band alert) and a
    proposal open for 30 days (a stalled-proposal alert)."""
    inputs = [e for e in sample_events() if e.TOPIC is not topics.ALERTS]
    return [scenario.municipality(), scenario.agreement(),
            *(scenario.regular_letting() for _ in range(10)),
            scenario.proposal(date.today() - timedelta(days=30)), *inputs]


def send_poison(bootstrap: str) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    producer.send(topics.VACANCIES.name, key=b"poison", value=b"{not json").get(timeout=10)
    producer.close(timeout=10)


def run_rebuild(bootstrap: str, data_dir, *options: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WOONREGIE_KAFKA_BOOTSTRAP": bootstrap,
           "WOONREGIE_DATA_DIR": str(data_dir), "WOONREGIE_LOG_JSON": "false"}
    return subprocess.run([sys.executable, "-m", "shared.local.cli", "rebuild", "monitoring",
                           *options], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=180)


def documented_rebuild(bootstrap: str, data_dir) -> subprocess.CompletedProcess:
    """The bash block under `<!-- rebuild-test:monitoring -->` in docs/OPERATIONS.md."""
    doc = (REPO_ROOT / "docs" / "OPERATIONS.md").read_text()
    match = re.search(r"<!-- rebuild-test:monitoring -->\s*```bash\n(.*?)```", doc, re.S)
    assert match
    env = {**os.environ, "WOONREGIE_KAFKA_BOOTSTRAP": bootstrap,
           "WOONREGIE_DATA_DIR": str(data_dir), "WOONREGIE_LOG_JSON": "false"}
    return subprocess.run(["bash", "-euc", match.group(1)], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def durable_state(url: str) -> dict:
    """What monitoring keeps in its database, in a comparable form (through its tables, so
    SQLite and PostgreSQL compare alike)."""
    engine = make_engine(url)
    with engine.connect() as db:
        state = {
            "alerts": [r._asdict() for r in db.execute(
                select(*(c for c in AlertRow.__table__.c)).order_by(AlertRow.id))],
            "bands": db.execute(select(BandStatusRow.scope, BandStatusRow.period,
                                       BandStatusRow.municipality, BandStatusRow.status)
                                .order_by(BandStatusRow.scope, BandStatusRow.period,
                                          BandStatusRow.municipality)).all(),
            "dead_letters": db.scalars(select(INFRA.ledger.c.event_id).where(
                INFRA.ledger.c.consumer == LEDGER_NAME).order_by(INFRA.ledger.c.event_id)
            ).all(),
        }
    engine.dispose()
    return state


def reports(client, headers) -> dict:
    answers = {}
    for path in REPORTS:
        params = {"year": 2030} if path == "/v1/housing-gap" else {"period": "2026"}
        response = client.get(path, params=params, headers=headers)
        assert response.status_code == 200, (path, response.text)
        answers[path] = response.json()
    return answers


def settled(url: str) -> dict:
    """The live alert log once it stops changing and its outbox is published."""
    engine = create_engine(url)
    with engine.connect() as db:
        unpublished = db.scalar(select(text("count(*)")).select_from(text("outbox"))
                                .where(text("published_at IS NULL")))
    engine.dispose()
    first = durable_state(url)
    time.sleep(1.5)
    return first if unpublished == 0 and durable_state(url) == first else None


def test_rebuilt_monitoring_equals_the_live_one(own_broker, tmp_path, auth_db_url, tokens):
    scenario = Scenario(target=4)
    province = tokens.issue("provincie-groningen", "province")
    publish(own_broker, *traffic(scenario))
    send_poison(own_broker)
    live_settings = service_settings("monitoring", tmp_path, own_broker, auth_db_url,
                                     alert_check_seconds=0.5)
    live_url = live_settings.db_url()
    with RunningMonitoring(live_settings) as live:
        before = eventually(lambda: settled(live_url), timeout=30)
        kinds = {alert["kind"] for alert in before["alerts"]}
        assert {"realisation-band-changed", "proposal-stalled"} <= kinds, kinds
        assert len(before["dead_letters"]) == 1  # the poison, sent to the DLQ once
        live_reports = reports(live, province)

    data_dir = tmp_path / "ops"
    done = documented_rebuild(own_broker, data_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "registry.vacancies.v1:" in done.stdout and "skipped 1" in done.stdout
    assert "next steps" in done.stdout and "totaal" in done.stdout  # the progress bar
    rebuilt_url = f"sqlite:///{data_dir / 'monitoring.rebuilt.db'}"
    assert durable_state(rebuilt_url) == before

    refused = run_rebuild(own_broker, data_dir)
    assert refused.returncode == 1 and "not empty" in refused.stdout
    again = run_rebuild(own_broker, data_dir, "--force")
    assert again.returncode == 0, again.stdout + again.stderr
    assert durable_state(rebuilt_url) == before
    # another target by URL: a PostgreSQL database where CI provides a server
    second_url = fresh_postgres_database() if POSTGRES_URL else f"sqlite:///{tmp_path / 's.db'}"
    second = run_rebuild(own_broker, data_dir, "--database-url", second_url)
    assert second.returncode == 0, second.stdout + second.stderr
    assert durable_state(second_url) == before

    rebuilt_settings = live_settings.model_copy(update={"database_url": rebuilt_url})
    with RunningMonitoring(rebuilt_settings) as rebuilt:
        assert replayed(rebuilt)
        assert reports(rebuilt, province) == live_reports
        time.sleep(1.5)  # a few alert checks: nothing new to alert, nothing sent again
        assert durable_state(rebuilt_url) == before
