"""Scenarios for monitoring's integration tests, on the session's shared broker.

Every scenario uses its own agreement scope and its own municipality code (GM9xxx, which no
other test uses), so numbers asserted here are not disturbed by other tests' messages.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from factories import dwelling_facts, sample_event
from kafka import KafkaProducer

from shared.contracts import events as ev
from shared.contracts.envelope import encode
from shared.contracts.vocabulary import TargetGroup, TenantType

SOURCE = "urn:woonregie:tests:monitoring"
_used_codes: set[str] = set()


def fresh_code() -> str:
    while True:
        code = f"GM9{random.randrange(1000):03d}"
        if code not in _used_codes:
            _used_codes.add(code)
            return code


def short_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def bag_id() -> str:
    return f"{random.randrange(10**15, 10**16)}"


def publish(bootstrap: str, *events: ev.Event) -> None:
    """Send events in order (one producer, acknowledged)."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        futures = [producer.send(e.TOPIC.name, key=e.key().encode(),
                                 value=encode(e, source=SOURCE)) for e in events]
        for future in futures:
            future.get(timeout=10)
    finally:
        producer.close(timeout=10)


def eventually(check: Callable, timeout: float = 20.0, interval: float = 0.2):
    """Poll `check` until it returns something truthy; that value, or AssertionError."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except AssertionError as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    raise AssertionError(f"not within {timeout}s; last: {last!r}")


@dataclass
class Scenario:
    """An agreement for one fresh municipality, and helpers for its events."""

    code: str = field(default_factory=fresh_code)
    scope: str = field(default_factory=lambda: short_id("it"))
    period: str = "2026"
    target: int = 10
    expected_lettings: float = 20.0

    @property
    def query(self) -> dict:
        return {"period": self.period, "scope": self.scope}

    def municipality(self, name: str = "Testerdam") -> ev.MunicipalityUpserted:
        return sample_event(ev.MunicipalityUpserted, code=self.code, name=name,
                            region=self.scope, province="Groningen", population=10_000)

    def agreement(self) -> ev.AgreementPublished:
        return sample_event(
            ev.AgreementPublished, scope=self.scope, period=self.period,
            municipalities=[self.code], expected_lettings=int(self.expected_lettings),
            targets=[ev.MunicipalityTarget(
                municipality=self.code, key=1.0, base_target=self.target, carry_over=0,
                target=self.target, expected_lettings=self.expected_lettings)])

    def placement(self, move_in: date = date(2026, 3, 2),
                  group: TargetGroup = TargetGroup.BESCHERMD_WONEN) -> list[ev.Event]:
        """A vacancy in the municipality and an urgent candidate's move-in there."""
        bag, vacancy = bag_id(), short_id("vac")
        return [
            sample_event(ev.VacancyAnnounced, vacancy_id=vacancy,
                         dwelling=dwelling_facts(bag_id=bag, municipality=self.code)),
            sample_event(ev.CandidatePlaced, placement_id=short_id("plc"),
                         proposal_id=short_id("prop"), vacancy_id=vacancy, bag_id=bag,
                         candidate_id=short_id("cand"), municipality=self.code,
                         origin_municipality=self.code, target_group=group,
                         urgency_granted_on=move_in - timedelta(days=40),
                         move_in_date=move_in),
        ]

    def regular_letting(self, on: date = date(2026, 3, 2)) -> ev.VacancyLet:
        return sample_event(ev.VacancyLet, vacancy_id=short_id("vac"), bag_id=bag_id(),
                            municipality=self.code, tenant_type=TenantType.REGULAR, let_on=on)

    def proposal(self, proposed_on: date) -> ev.CandidateProposed:
        return sample_event(ev.CandidateProposed, proposal_id=short_id("prop"),
                            vacancy_id=short_id("vac"), bag_id=bag_id(),
                            candidate_id=short_id("cand"), municipality=self.code,
                            proposed_on=proposed_on,
                            expires_on=proposed_on + timedelta(days=14))


def realisation_row(client, scenario: Scenario, headers: dict | None = None) -> dict:
    response = client.get("/v1/realisation", params=scenario.query, headers=headers or {})
    assert response.status_code == 200, response.text
    rows = response.json()["municipalities"]
    assert [r["municipality"] for r in rows] == [scenario.code]
    return rows[0]


def replayed(client) -> bool:
    return client.get("/v1/filter-options").json()["replayComplete"]


class RunningMonitoring:
    """A monitoring app of our own (not the fixture's), for tests that stop and restart it
    on the same database."""

    def __init__(self, settings):
        from fastapi.testclient import TestClient

        from services.monitoring.api.app import create_app
        from shared.local.services import SERVICES
        from shared.migrations import upgrade

        upgrade(SERVICES["monitoring"].migrations, settings.db_url())
        self.client = TestClient(create_app(settings), raise_server_exceptions=False)

    def __enter__(self):
        self.client.__enter__()
        eventually(lambda: replayed(self.client))
        return self.client

    def __exit__(self, *exc):
        self.client.__exit__(*exc)
