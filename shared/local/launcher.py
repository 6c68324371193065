"""`make run`: the broker and every service as local processes, stopped by PID.

The launcher is a supervisor, not a scheduler: it starts the broker (jars from the cache),
creates the topics, starts each service's API (and worker) with its own environment,
waits until each answers `/v1/health`, prints where everything runs, and stops all of it
on Ctrl-C, SIGTERM or `woonregie stop`. A part that dies (API, worker or broker) is started
again with backoff while the others keep serving; `<run_dir>/status.json` says what runs
(`woonregie status`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from rich.console import Console
from rich.table import Table

from shared.local.broker import LocalBroker
from shared.local.services import SERVICES
from shared.local.supervision import (
    LAUNCHER,
    Backoff,
    PartStatus,
    now_iso,
    pid_alive,
    wait_gone,
    write_status,
)
from shared.messaging.kafka_admin import ensure_topics
from shared.settings import REPO_ROOT

console = Console(stderr=True)


class RunSettings(BaseSettings):
    """Ports and folders of a local run; environment: WOONREGIE_RUN_<FIELD>."""

    model_config = SettingsConfigDict(env_prefix="WOONREGIE_RUN_", extra="ignore")

    data_dir: Path = REPO_ROOT / "data"
    run_dir: Path = REPO_ROOT / "run"
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    registry_port: int = 8001
    intake_port: int = 8002
    allocation_port: int = 8003
    monitoring_port: int = 8004
    portal_port: int = 8000
    startup_timeout: float = Field(default=120.0, description="seconds to wait for each part")
    supervise_seconds: float = Field(default=0.5, description="how often dead parts are looked for")
    broker_restart_delay: float = Field(default=1.0, description="first wait after a failed "
                                        "broker restart (doubles up to 30 s)")

    def port_of(self, service: str) -> int:
        return getattr(self, f"{service}_port")


@dataclass
class Child:
    name: str
    command: list[str]
    env: dict[str, str]
    log_file: Path
    process: subprocess.Popen | None = None
    health_url: str | None = None
    up_since: str | None = None
    started_at: float = 0.0
    restarts: int = 0
    restart_at: float | None = None  # when a dead child is due to start again
    backoff: Backoff = field(default_factory=Backoff)

    def start(self) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                cwd=REPO_ROOT, start_new_session=True,
            )
        self.started_at = time.monotonic()
        self.up_since = now_iso()
        self.restart_at = None

    def status(self) -> PartStatus:
        return PartStatus(self.name, self.process.pid if self.process else None,
                          self.up_since, self.restarts, health_url=self.health_url)


@dataclass
class Platform:
    settings: RunSettings = field(default_factory=RunSettings)
    children: list[Child] = field(default_factory=list)
    broker: LocalBroker | None = None
    broker_restarts: int = 0
    broker_up_since: str | None = None
    _broker_restart: threading.Thread | None = None
    _stopping: bool = False

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.settings.kafka_port}"

    def pid_file(self, name: str) -> Path:
        return self.settings.run_dir / f"{name}.pid"

    def start(self) -> None:
        self.settings.run_dir.mkdir(parents=True, exist_ok=True)
        with console.status("Kafka-broker starten (eerste keer: jars ophalen via Maven)…"):
            self.broker = LocalBroker(
                self.settings.data_dir / "kafka", port=self.settings.kafka_port,
                controller_port=self.settings.kafka_controller_port, detach=True,
            )
            self.broker.start(timeout=self.settings.startup_timeout)
            self.broker_up_since = now_iso()
            self.pid_file("kafka").write_text(str(self.broker.pid))
            ensure_topics(self.bootstrap)
        for child in self._children():
            child.start()
            self.pid_file(child.name).write_text(str(child.process.pid))
            self.children.append(child)
        self.write_status()
        with console.status("Diensten starten…"):
            for child in self.children:
                self._wait_healthy(child)

    # --- supervision ------------------------------------------------------------------------

    def supervise(self) -> None:
        """One round: schedule or carry out the restart of every part that died."""
        changed = False
        for child in self.children:
            changed |= self._supervise_child(child)
        changed |= self._supervise_broker()
        if changed:
            self.write_status()

    def _supervise_child(self, child: Child) -> bool:
        if self._stopping or child.process.poll() is None:
            return False
        now = time.monotonic()
        if child.restart_at is None:
            delay = child.backoff.next_delay(now - child.started_at)
            child.restart_at = now + delay
            console.print(f"[red]{child.name} gestopt (code {child.process.returncode}); "
                          f"herstart over {delay:.1f} s")
            return False
        if now < child.restart_at:
            return False
        child.start()
        child.restarts += 1
        self.pid_file(child.name).write_text(str(child.process.pid))
        console.print(f"{child.name} herstart (pid {child.process.pid})")
        return True

    def _supervise_broker(self) -> bool:
        restarting = self._broker_restart is not None and self._broker_restart.is_alive()
        if self._stopping or self.broker is None or restarting:
            return False
        if self._broker_restart is not None:  # a restart just finished
            self._broker_restart = None
            return True
        if self.broker.is_running():
            return False
        console.print("[red]kafka gestopt; herstart")
        self.broker.reap()  # leaves the pid file to a broker someone else started meanwhile
        self._broker_restart = threading.Thread(target=self._restart_broker, daemon=True,
                                                name="broker-restart")
        self._broker_restart.start()
        return False

    def _restart_broker(self) -> None:
        delay = self.settings.broker_restart_delay
        while not self._stopping:
            try:
                self.broker.start(timeout=self.settings.startup_timeout)
            except Exception as exc:  # noqa: BLE001 - the storage may be busy; try again
                console.print(f"[red]kafka start mislukt ({exc}); opnieuw over {delay:.0f} s")
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            self.broker_restarts += 1
            self.broker_up_since = now_iso()
            self.pid_file("kafka").write_text(str(self.broker.pid))
            return

    def part_statuses(self) -> list[PartStatus]:
        broker = PartStatus("kafka", self.broker.pid if self.broker else None,
                            self.broker_up_since, self.broker_restarts,
                            port=self.settings.kafka_port)
        return [broker, *(child.status() for child in self.children)]

    def write_status(self) -> None:
        write_status(self.settings.run_dir, os.getpid(), self.part_statuses())

    def _children(self) -> list[Child]:
        children = []
        for spec in SERVICES.values():
            env = self._env_for(spec.name)
            port = self.settings.port_of(spec.name)
            children.append(Child(
                spec.name, [sys.executable, "-m", "shared.local.cli", "serve", spec.name], env,
                self.settings.data_dir / "logs" / f"{spec.name}.log",
                health_url=f"http://127.0.0.1:{port}/v1/health",
            ))
            if spec.has_worker:
                children.append(Child(
                    f"{spec.name}-worker", [sys.executable, "-m", "shared.local.cli", "worker", spec.name],
                    env, self.settings.data_dir / "logs" / f"{spec.name}-worker.log",
                ))
        return children

    def _env_for(self, service: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "WOONREGIE_PORT": str(self.settings.port_of(service)),
            "WOONREGIE_KAFKA_BOOTSTRAP": self.bootstrap,
            "WOONREGIE_DATA_DIR": str(self.settings.data_dir),
            "WOONREGIE_PLATFORM_URLS": ",".join(
                f"{name}=http://127.0.0.1:{self.settings.port_of(name)}" for name in SERVICES
            ),
        })
        return env

    def _wait_healthy(self, child: Child) -> None:
        deadline = time.monotonic() + self.settings.startup_timeout
        while time.monotonic() < deadline:
            if child.process.poll() is not None:
                raise RuntimeError(f"{child.name} stopped at start; see {child.log_file}")
            if child.health_url is None:
                return
            try:
                if httpx.get(child.health_url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{child.name} did not become healthy; see {child.log_file}")

    def summary(self) -> Table:
        table = Table(title="Woonregie draait")
        table.add_column("onderdeel")
        table.add_column("adres")
        table.add_column("pid")
        table.add_row("kafka (KRaft)", self.bootstrap, str(self.broker.pid if self.broker else ""))
        for child in self.children:
            port = self.settings.port_of(child.name.removesuffix("-worker"))
            page = "/" if child.name == "portal" else "/v1/docs"  # people log in at the portal
            address = f"http://127.0.0.1:{port}{page}" if child.health_url else "(worker)"
            table.add_row(child.name, address, str(child.process.pid))
        return table

    def stop(self) -> None:
        self._stopping = True
        for child in self.children:  # all at once: a slow part no longer delays the others
            _signal_group(child.process.pid, signal.SIGTERM)
        for child in reversed(self.children):
            stop_pid(child.process.pid)
            self.pid_file(child.name).unlink(missing_ok=True)
        if self._broker_restart is not None:
            self._broker_restart.join(self.settings.startup_timeout)
        if self.broker is not None:
            self.broker.stop()
            self.pid_file("kafka").unlink(missing_ok=True)
        (self.settings.run_dir / "status.json").unlink(missing_ok=True)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def stop_pid(pid: int, timeout: float = 15.0) -> None:
    """SIGTERM the process group, then SIGKILL it if it is still there after `timeout`."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_recorded(run_dir: Path, timeout: float = 90.0) -> list[str]:
    """Stop everything a previous `woonregie run` recorded in `run_dir` (for `make stop`).

    The launcher goes first (SIGTERM: it stops its parts and removes their pid files, and
    restarts nothing any more); whatever is still recorded after it is stopped by pid. Safe
    to call twice, and while the launcher is cleaning up."""
    stopped = []
    launcher = _recorded_pid(run_dir / f"{LAUNCHER}.pid")
    if launcher is not None and pid_alive(launcher):
        with contextlib.suppress(ProcessLookupError):
            os.kill(launcher, signal.SIGTERM)
        if not wait_gone(launcher, timeout):
            with contextlib.suppress(ProcessLookupError):  # not a group leader: by pid
                os.kill(launcher, signal.SIGKILL)
        stopped.append(LAUNCHER)
    for pid_file in sorted(run_dir.glob("*.pid"), key=lambda p: p.stem == "kafka"):
        pid = _recorded_pid(pid_file)
        if pid is not None and pid_alive(pid):
            stop_pid(pid)
            stopped.append(pid_file.stem)
        pid_file.unlink(missing_ok=True)
    (run_dir / "status.json").unlink(missing_ok=True)
    return stopped


def _recorded_pid(pid_file: Path) -> int | None:
    """The pid in `pid_file`; None when the file is gone (its owner just cleaned up)."""
    try:
        return int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def run_forever(platform: Platform) -> None:
    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    # Ctrl-C stops the platform even when started in the background, where the shell leaves
    # SIGINT ignored and Python then installs no handler of its own
    signal.signal(signal.SIGINT, signal.default_int_handler)
    launcher_pid = platform.pid_file(LAUNCHER)
    try:
        platform.settings.run_dir.mkdir(parents=True, exist_ok=True)
        launcher_pid.write_text(str(os.getpid()))
        platform.start()
        console.print(platform.summary())
        console.print(
            f"Portaal: http://127.0.0.1:{platform.settings.portal_port}/ (accounts: "
            "[bold].venv/bin/woonregie demo[/bold] maakt er een per rol)\n"
            "Token halen: [bold].venv/bin/woonregie tokens issue --org GM0014 --role "
            "municipality[/bold]\nDashboard: "
            f"http://127.0.0.1:{platform.settings.monitoring_port}/   Stoppen: Ctrl-C of make stop"
        )
        while True:
            platform.supervise()
            time.sleep(platform.settings.supervise_seconds)
    except KeyboardInterrupt:
        console.print("Stoppen…")
    finally:
        platform.stop()
        launcher_pid.unlink(missing_ok=True)


@dataclass(frozen=True)
class LocalPlatform:
    """Where `make run` (`woonregie run`) serves, from the same WOONREGIE_RUN_* settings."""

    ports: dict[str, int]
    data_dir: Path | None  # None: WOONREGIE_DATA_DIR decides
    bootstrap: str | None  # None: WOONREGIE_KAFKA_BOOTSTRAP decides

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"


def local_platform(data_dir: Path | None = None) -> LocalPlatform:
    """The platform the CLI's clients (demo, users) talk to: WOONREGIE_DATA_DIR and
    WOONREGIE_KAFKA_BOOTSTRAP when set, else what `make run` uses."""
    run = RunSettings()
    if data_dir is None and not os.environ.get("WOONREGIE_DATA_DIR"):
        data_dir = run.data_dir
    bootstrap = (None if os.environ.get("WOONREGIE_KAFKA_BOOTSTRAP")
                 else f"127.0.0.1:{run.kafka_port}")
    return LocalPlatform({name: run.port_of(name) for name in SERVICES}, data_dir, bootstrap)
