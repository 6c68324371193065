"""Allocation workers as real processes (`woonregie worker allocation`) on the session's
broker, and small helpers to publish events and wait for effects.

Every WorkerProcesses has its own consumer group, so its workers read every input topic from
offset 0 and other tests' groups never share their partitions; other tests' messages are
processed too (and handled or dead-lettered), which is part of what is being tested.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from kafka import KafkaProducer
from kafka.errors import KafkaError

from shared.contracts import events as ev
from shared.contracts.envelope import encode
from shared.contracts.events import Event
from shared.contracts.periods import Period, today_amsterdam
from shared.contracts.vocabulary import IncomeClass, TargetGroup
from shared.local.services import SERVICES
from shared.messaging.kafka_admin import admin_client
from shared.migrations import upgrade

SOURCE = "urn:woonregie:tests:allocation"
REPO = Path(__file__).resolve().parents[3]
_used: set[str] = set()


def fresh_code() -> str:
    """GM8xxx: a municipality code no real municipality and no other test uses."""
    while True:
        code = f"GM8{random.randrange(1000):03d}"
        if code not in _used:
            _used.add(code)
            return code


def eventually(check: Callable[[], object], timeout: float = 30.0, every: float = 0.2,
               what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not hold within {timeout:.0f}s")
        time.sleep(every)


def publish(bootstrap: str, *events: Event, partition: int | None = None) -> list[str]:
    """Send events in order (acks=all); returns their CloudEvents ids."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    ids = []
    try:
        for event in events:
            event_id = str(uuid.uuid4())
            producer.send(event.TOPIC.name, key=event.key().encode(),
                          value=encode(event, source=SOURCE, event_id=event_id),
                          partition=partition).get(timeout=10)
            ids.append(event_id)
    finally:
        producer.close(timeout=5)
    return ids


class WorkerProcesses:
    """Allocation workers sharing one database and one consumer group."""

    def __init__(self, tmp_path: Path, bootstrap: str, auth_db_url: str,
                 database_url: str | None = None):
        self.tmp_path = tmp_path
        self.bootstrap = bootstrap
        self.group = f"allocation-it-{uuid.uuid4().hex[:8]}"
        self.database_url = database_url or f"sqlite:///{tmp_path / 'allocation.db'}"
        self.auth_db_url = auth_db_url
        self.processes: list[subprocess.Popen] = []
        self.killed: list[subprocess.Popen] = []
        # migrate once here: two workers starting together must not race to create tables
        upgrade(SERVICES["allocation"].migrations, self.database_url)

    def env(self, index: int) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "WOONREGIE_KAFKA_BOOTSTRAP": self.bootstrap,
            "WOONREGIE_DATABASE_URL": self.database_url,
            "WOONREGIE_DATA_DIR": str(self.tmp_path / f"worker-{index}"),
            "WOONREGIE_AUTH_DATABASE_URL": self.auth_db_url,
            "WOONREGIE_CONSUMER_GROUP": self.group,
            "WOONREGIE_OUTBOX_POLL_SECONDS": "0.05",
            "WOONREGIE_LOG_JSON": "false",
        })
        return env

    def start(self) -> subprocess.Popen:
        index = len(self.processes)
        log = open(self.tmp_path / f"worker-{index}.log", "wb")
        process = subprocess.Popen(
            [str(REPO / ".venv" / "bin" / "woonregie"), "worker", "allocation"],
            cwd=self.tmp_path, env=self.env(index), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.processes.append(process)
        return process

    def log_of(self, process: subprocess.Popen) -> str:
        path = self.tmp_path / f"worker-{self.processes.index(process)}.log"
        return path.read_text(errors="replace")[-4000:]

    def members(self) -> list[dict]:
        """The group's members with their assigned partitions, as the broker sees them."""
        try:
            with admin_client(self.bootstrap) as admin:
                group = admin.describe_groups([self.group])[self.group]
        except KafkaError:  # e.g. the coordinator is still being elected on a fresh broker
            return []
        return [m for m in group.get("members", []) if m.get("member_assignment")]

    def wait_for_members(self, count: int, timeout: float = 45.0) -> list[dict]:
        def stable():
            for process in self.processes:
                if process not in self.killed and process.poll() is not None:
                    raise RuntimeError(f"a worker exited:\n{self.log_of(process)}")
            members = self.members()
            return members if len(members) == count else None

        return eventually(stable, timeout, 0.5, f"{count} workers in group {self.group}")

    def committed(self) -> dict[tuple[str, int], int]:
        """The group's committed offsets: what the workers acknowledged as done."""
        try:
            with admin_client(self.bootstrap) as admin:
                offsets = admin.list_group_offsets({self.group: None})[self.group]
        except KafkaError:
            return {}
        return {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items()}

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL: no goodbye to the group, no commit; the broker finds out by the timeout."""
        self.killed.append(process)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)


# --- a scenario on today's dates that other tests' messages cannot disturb -------------------


def current_half_year(today) -> str:
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def live_scenario(scenario):
    """Today's dates, and a claim no other test's candidate can match: a half-year agreement
    (it outranks yearly ones) with a fresh version, one rare category, a rent above the
    passend cap, and an urgency waiting long enough to top any ranking."""
    today = today_amsterdam()
    scenario.period = current_half_year(today)
    scenario.version = int(datetime.now(timezone.utc).timestamp() * 1000)  # newest wins
    scenario.categories = (TargetGroup.DAKLOOS_GEZIN,)
    scenario.region = f"regio-{scenario.code}"
    return today


def setup_events(scenario, today, candidate_id):
    """Municipality, agreement, and the candidate with a long-waiting urgency."""
    period = Period.parse(scenario.period)
    agreement = scenario.agreement(period_start=period.start, period_end=period.end)
    registered = scenario.candidate(candidate_id, income_class=IncomeClass.DAEB)
    urgency = ev.UrgencyGranted(candidate_id=candidate_id, municipality=scenario.code,
                                category=TargetGroup.DAKLOOS_GEZIN,
                                granted_on=today - timedelta(days=300),
                                valid_until=today + timedelta(days=60))
    return [scenario.municipality(), agreement, registered, urgency]


def vacancy_event(scenario, vacancy_id, bag_id):
    return scenario.vacancy(vacancy_id, bag_id=bag_id, monthly_rent=850.0,
                            announced_at=datetime.now(timezone.utc))


def processed(database_url: str, event_ids: list[str]) -> bool:
    """Whether the workers' ledger holds every one of these consumed event ids."""
    from sqlalchemy import select

    from services.allocation.adapters.tables import INFRA
    from shared.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            seen = set(connection.scalars(select(INFRA.ledger.c.event_id).where(
                INFRA.ledger.c.event_id.in_(event_ids))))
    finally:
        engine.dispose()
    return seen == set(event_ids)
