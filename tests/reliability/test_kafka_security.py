"""Kafka security: the services against a broker that only speaks SASL (SCRAM-SHA-256).

A LocalBroker whose client listener is SASL_PLAINTEXT with SCRAM users; every service runs as
its own process (`woonregie serve <service>`, `woonregie worker allocation`), configured only
through the environment as in production (WOONREGIE_KAFKA_SECURITY_PROTOCOL,
_SASL_MECHANISM, _SASL_USERNAME, _SASL_PASSWORD). A whole flow crosses the broker: registry's
and intake's outbox relays publish, registry's feed consumer reads, the allocation Faust
worker consumes and its relay publishes a proposal, monitoring reads everything.

With a wrong password nothing gets through and it says so: the broker logs the failed
authentication, the service keeps the accepted write in its outbox and logs that the relay
cannot publish, a client gives up in bounded time. docs/KAFKA-SECURITY.md has the production
settings (SASL_SSL).
"""

from __future__ import annotations

import sqlite3
import time
import uuid

import httpx
import pytest
from kafka_helpers import consume_all, produce
from reliability_helpers import (
    agreement_body,
    candidate_body,
    dwelling_body,
    group_lag,
    healthy,
    issue_token_cli,
    metric_values,
    new_bag_id,
    start_child,
    wait_until,
)

from services.allocation.worker.topics import CONSUMED as ALLOCATION_CONSUMED
from shared.contracts import events as ev
from shared.contracts import topics
from shared.contracts.envelope import encode
from shared.contracts.periods import today_amsterdam
from shared.local.broker import LocalBroker, free_ports
from shared.local.launcher import Child, stop_pid
from shared.messaging.kafka_admin import ensure_topics, wait_for_broker

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

USER, PASSWORD = "woonregie", "scram-" + uuid.uuid4().hex[:12]


def sasl_env(bootstrap: str, password: str = PASSWORD) -> dict[str, str]:
    return {
        "WOONREGIE_KAFKA_BOOTSTRAP": bootstrap,
        "WOONREGIE_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "WOONREGIE_KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
        "WOONREGIE_KAFKA_SASL_USERNAME": USER,
        "WOONREGIE_KAFKA_SASL_PASSWORD": password,
    }


@pytest.fixture
def sasl_broker(tmp_path):
    broker = LocalBroker(tmp_path / "kafka", sasl_users={USER: PASSWORD},
                         sasl_mechanism="SCRAM-SHA-256")
    broker.start()
    try:
        ensure_topics(broker.bootstrap, **broker.client_security(USER))
        yield broker
    finally:
        broker.stop()


@pytest.fixture
def children():
    started: list[Child] = []
    yield started
    for child in reversed(started):
        stop_pid(child.process.pid)


def test_services_work_through_a_sasl_scram_broker_and_a_wrong_password_fails_clearly(
        sasl_broker, children, tmp_path):
    security = sasl_broker.client_security(USER)
    assert security["security_protocol"] == "SASL_PLAINTEXT"
    bootstrap = sasl_broker.bootstrap
    data = tmp_path / "data"
    ports = dict(zip(("registry", "intake", "allocation", "monitoring", "wrong"),
                     free_ports(5)))
    env = sasl_env(bootstrap)
    for service in ("registry", "intake", "allocation", "monitoring"):
        children.append(start_child(service, ["serve", service], env, data, ports[service]))
    children.append(start_child("allocation-worker", ["worker", "allocation"], env, data, None))
    for child in children:
        if child.health_url:
            wait_until(lambda: healthy(child), 90, 0.3, f"{child.name} healthy")

    def token(org: str, role: str) -> dict[str, str]:
        return {"Authorization": "Bearer " + issue_token_cli(
            {"WOONREGIE_DATA_DIR": str(data)}, org, role)[1]}

    url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    today = today_amsterdam()
    corporation = token("lefier", "corporation")
    care = token("demo-beschermd-wonen-stad", "care-provider")
    province = token("provincie-groningen", "province")
    municipality = token("GM0014", "municipality")

    # writes that cross the broker: agreement, candidate with urgency, a dwelling, a vacancy
    response = httpx.put(f"{url['registry']}/v1/agreements/province/{today.year}",
                         json=agreement_body(), headers=province)
    assert response.status_code == 201, response.text
    response = httpx.post(f"{url['intake']}/v1/candidates", json=candidate_body(),
                          headers=care)
    assert response.status_code == 201, response.text
    candidate_id = response.json()["id"]
    response = httpx.post(f"{url['intake']}/v1/candidates/{candidate_id}/urgency-decisions",
                          json={"decision": "granted", "category": "beschermd-wonen"},
                          headers=municipality)
    assert response.status_code == 201, response.text
    # allocation decides a vacancy once, when it reads it: the urgency first
    def on_topic(topic: str, key: str, minimum: int = 1):
        found = [m for m in consume_all(bootstrap, topic, timeout=20, **security)
                 if m.key == key]
        return found if len(found) >= minimum else None

    assert wait_until(lambda: on_topic(topics.CANDIDATES.name, candidate_id, 2), 60, 1,
                      "candidate and urgency published by intake's relay")
    wait_until(lambda: not any(group_lag(bootstrap, "allocation", [
        topics.CANDIDATES.name, topics.AGREEMENTS.name], **security).values()), 90, 1,
        "the allocation worker read them")
    bag_id, feed_bag_id = new_bag_id(), new_bag_id()
    for bag in (bag_id, feed_bag_id):
        response = httpx.put(f"{url['registry']}/v1/dwellings/{bag}", json=dwelling_body(),
                             headers=corporation)
        assert response.status_code == 201, response.text
    response = httpx.post(f"{url['registry']}/v1/vacancies", headers=corporation,
                          json={"bagId": bag_id, "availableFrom": today.isoformat()})
    assert response.status_code == 201, response.text
    # the corporation's feed, produced through SASL too
    record = ev.FeedVacancyReported(corporation="lefier", bag_id=feed_bag_id,
                                    action="announced", available_from=today)
    produce(bootstrap, topics.VACANCY_FEED.name, record.key(),
            encode(record, source="urn:corporation:lefier"), **security)

    # registry's relay published; registry's feed consumer read the feed
    assert wait_until(lambda: on_topic(topics.DWELLINGS.name, bag_id), 60, 1, "dwelling")
    assert wait_until(lambda: on_topic(topics.VACANCIES.name, feed_bag_id), 60, 1,
                      "the feed's vacancy, republished by registry")
    # the allocation worker (Faust, aiokafka) consumed them and its relay proposed
    def proposed() -> bool:  # the candidate, for one of the two vacancies
        return any(isinstance(m.event, ev.CandidateProposed)
                   and m.event.candidate_id == candidate_id
                   for m in consume_all(bootstrap, topics.PROPOSALS.name, timeout=20,
                                        **security))
    wait_until(proposed, 120, 1, "allocation's proposal of the candidate")
    wait_until(lambda: not any(group_lag(bootstrap, "allocation",
                                         [t.name for t in ALLOCATION_CONSUMED],
                                         **security).values()), 60, 1,
               "the allocation group committed its offsets")
    # monitoring read every topic
    def monitoring_caught_up():
        text = httpx.get(f"{url['monitoring']}/metrics").text
        lag = metric_values(text, "woonregie_monitoring_consumer_lag")
        done = metric_values(text, "woonregie_monitoring_replay_complete")
        return lag and not any(lag.values()) and done.get(()) == 1.0
    wait_until(monitoring_caught_up, 60, 1, "monitoring caught up")
    stock = httpx.get(f"{url['monitoring']}/v1/stock", headers=province).json()
    assert stock["rows"][0]["dwellings"] == 2 and stock["rows"][0]["vacanciesAnnounced"] == 2

    # --- a wrong password: nothing gets through, and it says so ------------------------------
    wrong = dict(security, sasl_plain_password="wrong-" + PASSWORD)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        wait_for_broker(bootstrap, 8, **wrong)
    assert time.monotonic() - started < 30
    wrong_data = tmp_path / "wrong"
    child = start_child("registry-wrong", ["serve", "registry"],
                        sasl_env(bootstrap, "wrong-" + PASSWORD),
                        wrong_data, ports["wrong"])
    children.append(child)
    wait_until(lambda: healthy(child), 90, 0.3, "registry with a wrong password healthy")
    wrong_token = {"Authorization": "Bearer " + issue_token_cli(
        {"WOONREGIE_DATA_DIR": str(wrong_data)}, "lefier", "corporation")[1]}
    lost_bag = new_bag_id()
    response = httpx.put(f"{url['wrong']}/v1/dwellings/{lost_bag}", json=dwelling_body(),
                         headers=wrong_token)
    assert response.status_code == 201, response.text  # accepted: kept in the outbox

    def logs() -> tuple[str, str]:
        return (sasl_broker.log_tail(100_000),
                child.log_file.read_text(errors="replace"))

    def refused_clearly():
        broker_log, service_log = logs()
        return ("invalid credentials" in broker_log and "invalid credentials" in service_log
                and "outbox relay could not publish" in service_log)
    try:
        wait_until(refused_clearly, 60, 1, "the broker and the service report the refusal")
    except TimeoutError:
        broker_log, service_log = logs()
        assert "invalid credentials" in broker_log, broker_log[-3000:]
        assert "invalid credentials" in service_log, service_log[-3000:]
        assert "outbox relay could not publish" in service_log, service_log[-3000:]
    with sqlite3.connect(wrong_data / "registry.db") as con:
        pending = con.execute(
            "SELECT count(*) FROM outbox WHERE published_at IS NULL AND topic = ?",
            (topics.DWELLINGS.name,)).fetchone()[0]
    assert pending == 1  # the write waits, it is not lost
    assert not on_topic(topics.DWELLINGS.name, lost_bag)
    broker_log = sasl_broker.log_tail(100_000)
    assert "Failed authentication" in broker_log and "SCRAM-SHA-256" in broker_log

    # with the password corrected, the waiting write is published
    stop_pid(child.process.pid)
    fixed = start_child("registry-fixed", ["serve", "registry"], env, wrong_data,
                        ports["wrong"])
    children.append(fixed)
    wait_until(lambda: healthy(fixed), 90, 0.3, "registry with the right password healthy")
    assert wait_until(lambda: on_topic(topics.DWELLINGS.name, lost_bag), 60, 1,
                      "the write that waited in the outbox, published")
