"""Shared helpers of registry's integration tests: bodies, unique ids, topics, waiting."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from kafka_helpers import consume_all
from sqlalchemy import func, select

from shared.contracts.periods import today_amsterdam

PROBLEM = "application/problem+json"


def new_bag_id(municipality_prefix: str = "0014") -> str:
    """A random, syntactically valid BAG verblijfsobject id (16 digits)."""
    return municipality_prefix + "01" + "".join(random.choices("0123456789", k=10))


def dwelling_body(**overrides) -> dict:
    body = {"municipality": "GM0014", "rooms": 3, "monthlyRent": 612.5,
            "accessibility": "nultreden", "careSuitable": True, "neighbourhood": "Selwerd"}
    body.update(overrides)
    return body


def in_days(days: int) -> str:
    return (today_amsterdam() + timedelta(days=days)).isoformat()


def put_dwelling(client, headers, bag_id: str | None = None, **overrides) -> str:
    bag_id = bag_id or new_bag_id()
    response = client.put(f"/v1/dwellings/{bag_id}", json=dwelling_body(**overrides),
                          headers=headers)
    assert response.status_code in (200, 201), response.text
    return bag_id


def announce(client, headers, bag_id: str, days: int = 14) -> dict:
    response = client.post("/v1/vacancies", json={"bagId": bag_id,
                                                  "availableFrom": in_days(days)},
                           headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def runtime_of(client):
    return client.app.state.runtime


def outbox_count(client) -> int:
    runtime = runtime_of(client)
    with runtime.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(runtime.infra.outbox))


def outbox_event_ids(client) -> set[str]:
    runtime = runtime_of(client)
    with runtime.engine.connect() as connection:
        return set(connection.scalars(select(runtime.infra.outbox.c.event_id)))


def wait_for_relay(client, timeout: float = 20.0) -> None:
    """Until every outbox row of this app has been published to the broker."""
    relay = runtime_of(client).relay
    deadline = time.monotonic() + timeout
    while relay.pending_count():
        if time.monotonic() > deadline:
            raise TimeoutError("the outbox relay did not publish in time")
        time.sleep(0.05)


def events_on(bootstrap: str, topic: str, keys: set[str]) -> list:
    """Decoded messages with one of `keys` on `topic`, in topic order per partition."""
    return [m for m in consume_all(bootstrap, topic, timeout=30) if m.key in keys]


def event_name(message) -> str:
    return message.received.envelope.type.split(".")[-2]


def wait_until(condition, timeout: float = 30.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(interval)
