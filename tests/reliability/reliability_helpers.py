"""Helpers of the reliability and security tests (issue 8).

- `LivePlatform`: the platform exactly as `woonregie run` starts it (shared.local.launcher.Platform,
  in this process, on free ports with a temporary data folder), with what fault tests need:
  kill -9 one child or the broker, start a single child again with the same environment.
- reading topics, the ledgers in the services' SQLite files, consumer-group lag;
- request bodies and event builders.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from kafka import KafkaConsumer, TopicPartition
from typer.testing import CliRunner

from services.intake.domain.bsn import fake_bsn
from shared.contracts.periods import today_amsterdam
from shared.local.broker import free_ports
from shared.local.launcher import Child, Platform, RunSettings, stop_pid
from shared.local.services import SERVICES
from shared.messaging.kafka_admin import admin_client

PROBLEM = "application/problem+json"
ROLES = ("care-provider", "care-office", "municipality", "corporation", "province", "admin")
# one organisation per role: what "own" means for a caller of that role
ORG = {
    "care-provider": "demo-beschermd-wonen-stad",
    "care-office": "Menzis",
    "municipality": "GM0014",
    "corporation": "lefier",
    "province": "provincie-groningen",
    "admin": "ops",
}
FOREIGN_ORG = {
    "care-provider": "demo-opvang-noord",
    "care-office": "Zorgkantoor Elders",
    "municipality": "GM1966",
    "corporation": "nijestee",
    "province": "provincie-drenthe",
    "admin": "ops-elders",
}


# --- waiting ----------------------------------------------------------------------------------


def wait_until(condition, timeout: float = 30.0, interval: float = 0.2, what: str = "condition"):
    """Poll `condition` until it returns something truthy; TimeoutError names `what`."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = condition()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - a probe may fail while things recover
            last_error = exc
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not met within {timeout:.0f}s (last error: {last_error!r})")
        time.sleep(interval)


# --- bodies -----------------------------------------------------------------------------------




def candidate_body(municipality: str = "GM0014", **overrides) -> dict:
    """A candidate every rule lets through for a 3-room nultreden dwelling at 550 a month in
    `municipality` (care by a provider that covers GM0014 and GM1966)."""
    body = {
        "bsn": fake_bsn(),
        "name": "Testpersoon " + uuid.uuid4().hex[:8],
        "birthYear": 1980,
        "householdSize": 1,
        "yearlyIncome": 21500,
        "targetGroup": "beschermd-wonen",
        "needs": {"accessibility": "nultreden", "minRooms": 1, "ambulantSupport": True,
                  "careProvider": "demo-beschermd-wonen-stad"},
        "registrationMunicipality": municipality,
        "preferredMunicipalities": [municipality],
        "excludedMunicipalities": [],
        "availableFrom": today_amsterdam().isoformat(),
    }
    body.update(overrides)
    return body


def new_bag_id(municipality: str = "GM0014") -> str:
    return municipality[2:] + "01" + "".join(random.choices("0123456789", k=10))


def dwelling_body(municipality: str = "GM0014", **overrides) -> dict:
    body = {"municipality": municipality, "rooms": 3, "monthlyRent": 550.0,
            "accessibility": "nultreden", "careSuitable": True}
    body.update(overrides)
    return body


def agreement_body(**overrides) -> dict:
    """Every vacancy labelled while candidates are there: the cap allows every letting to be
    urgent (capShare 1), and a large carry-over keeps the target's pace ahead of the lettings
    however registry splits the expected lettings (by population, or by the stock registered
    so far)."""
    body = {
        "urgentShare": 1.0, "capShare": 1.0, "expectedLettings": 1000,
        "keyWeights": {"population": 1.0, "socialStock": 0.0, "lettings": 0.0},
        "categories": [{"category": "beschermd-wonen", "validityDays": 365}],
        "carryOver": {"GM0014": 100_000, "GM1966": 100_000},
    }
    body.update(overrides)
    return body


# --- the platform as `woonregie run` starts it --------------------------------------------------


@dataclass
class LivePlatform:
    platform: Platform
    base: Path

    @classmethod
    def start(cls, base: Path, timeout: float = 180.0) -> "LivePlatform":
        kafka, controller, *ports = free_ports(2 + len(SERVICES))
        settings = RunSettings(
            data_dir=base / "data", run_dir=base / "run", kafka_port=kafka,
            kafka_controller_port=controller, startup_timeout=timeout,
            **{f"{name}_port": port for name, port in zip(SERVICES, ports)},
        )
        platform = Platform(settings)
        live = cls(platform, base)
        try:
            platform.start()
        except BaseException:
            live.stop()
            raise
        return live

    # addresses
    @property
    def bootstrap(self) -> str:
        return self.platform.bootstrap

    @property
    def data_dir(self) -> Path:
        return self.platform.settings.data_dir

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.platform.settings.port_of(service)}"

    def client(self, service: str, timeout: float = 20.0) -> httpx.Client:
        return httpx.Client(base_url=self.url(service), timeout=timeout)

    def env(self) -> dict[str, str]:
        return {"WOONREGIE_DATA_DIR": str(self.data_dir)}

    def token(self, org: str, role: str) -> dict[str, str]:
        """A bearer header, issued through the CLI as the README tells a user to."""
        token_id, token = issue_token_cli(self.env(), org, role)
        return {"Authorization": f"Bearer {token}"}

    def sqlite(self, service: str) -> Path:
        return self.data_dir / f"{service}.db"

    # processes
    def child(self, name: str) -> Child:
        return next(c for c in self.platform.children if c.name == name)

    def kill(self, name: str) -> int:
        """kill -9 one child (`registry`, `allocation-worker`, ...); returns its pid."""
        child = self.child(name)
        pid = child.process.pid
        os.kill(pid, signal.SIGKILL)
        child.process.wait(10)
        return pid

    def restart(self, name: str, timeout: float = 120.0) -> Child:
        """Start a single child again with the same command and environment, and wait until
        it answers /v1/health (API children)."""
        old = self.child(name)
        if old.process.poll() is None:
            stop_pid(old.process.pid)
        new = Child(old.name, old.command, old.env, old.log_file, health_url=old.health_url)
        new.start()
        self.platform.children[self.platform.children.index(old)] = new
        self.platform.pid_file(name).write_text(str(new.process.pid))
        if new.health_url:
            wait_until(lambda: _healthy(new), timeout, 0.3, f"{name} healthy again")
        return new

    def kill_broker(self) -> None:
        self.platform.broker.kill()

    def start_broker(self, timeout: float = 120.0) -> None:
        self.platform.broker.start(timeout)
        self.platform.pid_file("kafka").write_text(str(self.platform.broker.pid))

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.platform.stop()
        broker = self.platform.broker
        if broker is not None and broker.is_running():
            broker.stop()

    def log_tail(self, name: str, lines: int = 60) -> str:
        path = self.data_dir / "logs" / f"{name}.log"
        if not path.exists():
            return "(no log)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _healthy(child: Child) -> bool:
    if child.process.poll() is not None:
        raise RuntimeError(f"{child.name} exited with {child.process.returncode}")
    try:
        return httpx.get(child.health_url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def issue_token_cli(env: dict[str, str], org: str, role: str) -> tuple[str, str]:
    """(token id, token) from `woonregie tokens issue`."""
    from shared.local.cli import app

    result = CliRunner().invoke(app, ["tokens", "issue", "--org", org, "--role", role], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    token_id = lines[0].split()[1]
    return token_id, lines[-1].strip()


# --- reading what the platform wrote ------------------------------------------------------------


def ledger_ids(db: Path, consumer: str) -> set[str]:
    """Event ids a consumer marked processed in its service's SQLite ledger."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as con:
        rows = con.execute("SELECT event_id FROM processed_events WHERE consumer = ?",
                           (consumer,)).fetchall()
    return {r[0] for r in rows}


def outbox_pending(db: Path) -> int:
    """Outbox rows of a service's SQLite database that the relay has not published yet."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as con:
        return con.execute("SELECT count(*) FROM outbox WHERE published_at IS NULL").fetchone()[0]


def end_offsets(bootstrap: str, topic_names, **security) -> dict[TopicPartition, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                             enable_auto_commit=False, **security)
    try:
        partitions = []
        for name in topic_names:
            parts = wait_until(lambda: consumer.partitions_for_topic(name), 20, 0.2,
                               f"partitions of {name}")
            partitions += [TopicPartition(name, p) for p in sorted(parts)]
        return consumer.end_offsets(partitions)
    finally:
        consumer.close(autocommit=False)


def group_lag(bootstrap: str, group: str, topic_names, **security) -> dict[str, int]:
    """Per topic: end offsets minus the group's committed offsets (no commit counts as 0)."""
    ends = end_offsets(bootstrap, topic_names, **security)
    with admin_client(bootstrap, **security) as admin:
        committed = admin.list_group_offsets({group: None})[group]
    lag: dict[str, int] = {name: 0 for name in topic_names}
    for tp, end in ends.items():
        done = committed.get(tp)
        position = done.offset if done is not None and done.offset >= 0 else 0
        lag[tp.topic] += max(0, end - position)
    return lag


def metric_values(text: str, name: str) -> dict[tuple, float]:
    """{(label values...): value} of one Prometheus metric family in a text exposition."""
    values = {}
    for line in text.splitlines():
        if not line.startswith(name) or line.startswith("#"):
            continue
        head, _, number = line.rpartition(" ")
        labels = ()
        if "{" in head:
            metric, _, rest = head.partition("{")
            if metric != name:
                continue
            labels = tuple(sorted(
                tuple(part.split("=", 1)) for part in _split_labels(rest.rstrip("}"))))
        elif head != name:
            continue
        values[labels] = float(number)
    return values


def _split_labels(text: str) -> list[str]:
    parts, current, quoted = [], "", False
    for char in text:
        if char == '"':
            quoted = not quoted
            continue
        if char == "," and not quoted:
            parts.append(current)
            current = ""
            continue
        current += char
    if current:
        parts.append(current)
    return parts


def run_cli(env: dict[str, str], *args: str):
    from shared.local.cli import app

    return CliRunner().invoke(app, list(args), env=env)


# --- one service as its own process -----------------------------------------------------------


def start_child(name: str, args: list[str], env: dict[str, str], data_dir: Path,
                port: int | None) -> Child:
    """`woonregie <args>` (serve X, worker X) configured only through `env`."""
    full_env = {**os.environ, **env, "WOONREGIE_DATA_DIR": str(data_dir)}
    if port is not None:
        full_env["WOONREGIE_PORT"] = str(port)
    child = Child(name, [sys.executable, "-m", "shared.local.cli", *args], full_env,
                  data_dir / "logs" / f"{name}.log",
                  health_url=f"http://127.0.0.1:{port}/v1/health" if port else None)
    child.start()
    return child


def healthy(child: Child) -> bool:
    assert child.process.poll() is None, child.log_file.read_text()[-3000:]
    try:
        return httpx.get(child.health_url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
