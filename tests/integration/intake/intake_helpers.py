"""Shared helpers of intake's integration tests (valid BSNs, bodies, waiting for the relay)."""

from __future__ import annotations

import time

from services.intake.domain.bsn import fake_bsn
from shared.contracts import topics


def candidate_body(**overrides) -> dict:
    body = {
        "bsn": fake_bsn(),
        "name": "Jantje Zonderland-Testpersoon",
        "birthYear": 1961,
        "householdSize": 1,
        "yearlyIncome": 21500,
        "targetGroup": "beschermd-wonen",
        "needs": {"accessibility": "nultreden", "minRooms": 1, "ambulantSupport": True,
                  "careProvider": "Lentis"},
        "registrationMunicipality": "GM0014",
        "preferredMunicipalities": ["GM0014", "GM1966"],
        "excludedMunicipalities": ["GM1895"],
        "regionBinding": "groningen-assen",
        "availableFrom": "2026-12-01",
    }
    body.update(overrides)
    return body


def runtime_of(client):
    return client.app.state.runtime


def wait_for_relay(client, timeout: float = 20.0) -> None:
    """Until every outbox row of this app has been published to the broker."""
    relay = runtime_of(client).relay
    deadline = time.monotonic() + timeout
    while relay.pending_count():
        if time.monotonic() > deadline:
            raise TimeoutError("the outbox relay did not publish in time")
        time.sleep(0.05)


def intake_events(bootstrap: str, candidate_ids: set[str]) -> list:
    """Decoded events of `candidate_ids` on intake.candidates.v1, in topic order per id."""
    from kafka_helpers import consume_all

    return [m for m in consume_all(bootstrap, topics.CANDIDATES.name, timeout=30)
            if m.key in candidate_ids]


def event_types(messages) -> list[str]:
    return [m.received.envelope.type.split(".")[-2] for m in messages]


def wait_until(condition, timeout: float = 20.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(interval)
