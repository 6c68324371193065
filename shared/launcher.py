"""`make run`: the broker and every service as local processes, stopped by PID.

The launcher is a supervisor, not a scheduler: it starts the broker (jars from the cache),
creates the topics, starts each service's API (and worker) with its own environment,
waits until each answers `/v1/health`, prints where everything runs, and stops all of it
on Ctrl-C, SIGTERM or `woonregie stop`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from rich.console import Console
from rich.table import Table

from shared.broker import LocalBroker
from shared.kafka_admin import ensure_topics
from shared.services import SERVICES
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

    def start(self) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_file.open("ab")
        self.process = subprocess.Popen(
            self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            cwd=REPO_ROOT, start_new_session=True,
        )


@dataclass
class Platform:
    settings: RunSettings = field(default_factory=RunSettings)
    children: list[Child] = field(default_factory=list)
    broker: LocalBroker | None = None

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
            self.pid_file("kafka").write_text(str(self.broker.pid))
            ensure_topics(self.bootstrap)
        for child in self._children():
            child.start()
            self.pid_file(child.name).write_text(str(child.process.pid))
            self.children.append(child)
        with console.status("Diensten starten…"):
            for child in self.children:
                self._wait_healthy(child)

    def _children(self) -> list[Child]:
        children = []
        for spec in SERVICES.values():
            env = self._env_for(spec.name)
            port = self.settings.port_of(spec.name)
            children.append(Child(
                spec.name, [sys.executable, "-m", "shared.cli", "serve", spec.name], env,
                self.settings.data_dir / "logs" / f"{spec.name}.log",
                health_url=f"http://127.0.0.1:{port}/v1/health",
            ))
            if spec.has_worker:
                children.append(Child(
                    f"{spec.name}-worker", [sys.executable, "-m", "shared.cli", "worker", spec.name],
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
            address = f"http://127.0.0.1:{port}/v1/docs" if child.health_url else "(worker)"
            table.add_row(child.name, address, str(child.process.pid))
        return table

    def stop(self) -> None:
        for child in reversed(self.children):
            stop_pid(child.process.pid)
            self.pid_file(child.name).unlink(missing_ok=True)
        if self.broker is not None:
            self.broker.stop()
            self.pid_file("kafka").unlink(missing_ok=True)


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


def stop_recorded(run_dir: Path) -> list[str]:
    """Stop everything a previous `woonregie run` recorded in `run_dir` (for `make stop`)."""
    stopped = []
    for pid_file in sorted(run_dir.glob("*.pid"), key=lambda p: p.stem == "kafka"):
        try:
            stop_pid(int(pid_file.read_text().strip()))
            stopped.append(pid_file.stem)
        except ValueError:
            pass
        pid_file.unlink(missing_ok=True)
    return stopped


def run_forever(platform: Platform) -> None:
    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    try:
        platform.start()
        console.print(platform.summary())
        console.print(
            "Token halen: [bold].venv/bin/woonregie tokens issue --org GM0014 --role "
            "municipality[/bold]\nDashboard: "
            f"http://127.0.0.1:{platform.settings.monitoring_port}/   Stoppen: Ctrl-C of make stop"
        )
        while all(child.process.poll() is None for child in platform.children):
            time.sleep(1)
        crashed = [c.name for c in platform.children if c.process.poll() is not None]
        console.print(f"[red]gestopt: {', '.join(crashed)}; zie {platform.settings.data_dir}/logs")
    except KeyboardInterrupt:
        console.print("Stoppen…")
    finally:
        platform.stop()
