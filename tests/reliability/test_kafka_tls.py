"""Kafka over TLS: every service through a SASL_SSL listener whose certificate a test CA signed.

The test makes a CA and a certificate for 127.0.0.1/localhost (tls_certs, `cryptography`),
starts one LocalBroker whose client listener is SASL_SSL (PEM key store and trust store,
SCRAM-SHA-512 users) and runs registry, intake, monitoring and the portal (kafka-python) and
the allocation Faust worker (aiokafka) as their own processes, configured only through the
environment as in production: WOONREGIE_KAFKA_SECURITY_PROTOCOL=SASL_SSL and
WOONREGIE_KAFKA_SSL_CAFILE. One candidate crosses the platform: intake's HTTP write, its
topic, the allocation worker's proposal, monitoring's figures and the portal's notices.
A client that does not know the CA is refused at the TLS handshake.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from kafka_helpers import consume_all
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
from tls_certs import write_broker_tls

from services.portal.notifications.consumer import TOPICS as PORTAL_CONSUMED
from shared.contracts import events as ev
from shared.contracts import topics
from shared.contracts.periods import today_amsterdam
from shared.local.broker import LocalBroker, free_ports
from shared.local.launcher import Child, stop_pid
from shared.messaging.kafka_admin import ensure_topics, wait_for_broker

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

USER, PASSWORD = "woonregie", "scram-" + uuid.uuid4().hex[:12]
SERVICES = ("registry", "intake", "monitoring", "portal")


@pytest.fixture
def tls_broker(tmp_path):
    tls = write_broker_tls(tmp_path / "tls")
    broker = LocalBroker(tmp_path / "kafka", sasl_users={USER: PASSWORD},
                         sasl_mechanism="SCRAM-SHA-512", tls=tls)
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


def tls_env(broker: LocalBroker) -> dict[str, str]:
    return {
        "WOONREGIE_KAFKA_BOOTSTRAP": broker.bootstrap,
        "WOONREGIE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "WOONREGIE_KAFKA_SSL_CAFILE": str(broker.tls.cafile),
        "WOONREGIE_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "WOONREGIE_KAFKA_SASL_USERNAME": USER,
        "WOONREGIE_KAFKA_SASL_PASSWORD": PASSWORD,
    }


def test_every_service_works_through_a_tls_broker_and_a_client_without_the_ca_is_refused(
        tls_broker, children, tmp_path):
    security = tls_broker.client_security(USER)
    assert security["security_protocol"] == "SASL_SSL" and security["ssl_cafile"]
    bootstrap = tls_broker.bootstrap
    data = tmp_path / "data"
    ports = dict(zip(SERVICES, free_ports(len(SERVICES))))
    env = tls_env(tls_broker)
    for service in SERVICES:
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
    province = token("provincie-groningen", "province")
    response = httpx.put(f"{url['registry']}/v1/agreements/province/{today.year}",
                         json=agreement_body(), headers=province)
    assert response.status_code == 201, response.text
    response = httpx.post(f"{url['intake']}/v1/candidates", json=candidate_body(),
                          headers=token("demo-beschermd-wonen-stad", "care-provider"))
    assert response.status_code == 201, response.text
    candidate_id = response.json()["id"]
    response = httpx.post(f"{url['intake']}/v1/candidates/{candidate_id}/urgency-decisions",
                          json={"decision": "granted", "category": "beschermd-wonen"},
                          headers=token("GM0014", "municipality"))
    assert response.status_code == 201, response.text
    # allocation decides a vacancy once, when it reads it: the urgency first
    wait_until(lambda: not any(group_lag(bootstrap, "allocation", [
        topics.CANDIDATES.name, topics.AGREEMENTS.name], **security).values()), 90, 1,
        "the allocation worker read the candidate over TLS")
    corporation = token("lefier", "corporation")
    bag_id = new_bag_id()
    response = httpx.put(f"{url['registry']}/v1/dwellings/{bag_id}", json=dwelling_body(),
                         headers=corporation)
    assert response.status_code == 201, response.text
    response = httpx.post(f"{url['registry']}/v1/vacancies", headers=corporation,
                          json={"bagId": bag_id, "availableFrom": today.isoformat()})
    assert response.status_code == 201, response.text

    def proposed() -> bool:
        return any(isinstance(m.event, ev.CandidateProposed)
                   and m.event.candidate_id == candidate_id
                   for m in consume_all(bootstrap, topics.PROPOSALS.name, timeout=20,
                                        **security))
    wait_until(proposed, 120, 1, "the allocation worker's proposal, published over TLS")

    def monitoring_caught_up():
        text = httpx.get(f"{url['monitoring']}/metrics").text
        lag = metric_values(text, "woonregie_monitoring_consumer_lag")
        done = metric_values(text, "woonregie_monitoring_replay_complete")
        return lag and not any(lag.values()) and done.get(()) == 1.0
    wait_until(monitoring_caught_up, 60, 1, "monitoring caught up over TLS")
    stock = httpx.get(f"{url['monitoring']}/v1/stock", headers=province).json()
    assert stock["rows"][0]["dwellings"] == 1 and stock["rows"][0]["vacanciesAnnounced"] == 1
    wait_until(lambda: not any(group_lag(bootstrap, "portal-notifications",
                                         list(PORTAL_CONSUMED), **security).values()),
               60, 1, "the portal's notifications consumer read its topics over TLS")

    # --- a client that does not know the CA: the handshake fails, nothing is read ----------
    without_ca = {k: v for k, v in security.items() if k != "ssl_cafile"}
    with pytest.raises(TimeoutError):
        wait_for_broker(bootstrap, 8, **without_ca)
    assert "SSL handshake failed" in tls_broker.log_tail(100_000)
