"""`woonregie run` as a subprocess on free ports with its own data folder, for e2e tests.

This is the same entry point `make run` uses; the tests talk to it over real HTTP and read
its topics from its broker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from typer.testing import CliRunner

from shared.local.broker import free_ports
from shared.local.services import SERVICES
from shared.settings import REPO_ROOT


@dataclass
class RunningPlatform:
    process: subprocess.Popen
    data_dir: Path
    run_dir: Path
    kafka_port: int
    ports: dict[str, int]
    log: Path

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def client(self, service: str) -> httpx.Client:
        return httpx.Client(base_url=self.url(service), timeout=20)

    def env(self) -> dict[str, str]:
        return {**os.environ, "WOONREGIE_DATA_DIR": str(self.data_dir)}

    def token(self, org: str, role: str) -> dict[str, str]:
        """Issue a token through the CLI, exactly as the README tells a user to."""
        from shared.local.cli import app

        result = CliRunner().invoke(app, ["tokens", "issue", "--org", org, "--role", role],
                                    env={"WOONREGIE_DATA_DIR": str(self.data_dir)})
        assert result.exit_code == 0, result.output
        return {"Authorization": f"Bearer {result.output.strip().splitlines()[-1]}"}

    def recorded_pids(self) -> list[int]:
        return [int(p.read_text()) for p in self.run_dir.glob("*.pid")]

    def stop(self, timeout: float = 60) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_platform(base: Path, timeout: float = 240) -> RunningPlatform:
    kafka, controller, *service_ports = free_ports(2 + len(SERVICES))
    ports = dict(zip(SERVICES, service_ports))
    data_dir, run_dir = base / "data", base / "run"
    env = {
        **os.environ,
        "WOONREGIE_RUN_DATA_DIR": str(data_dir),
        "WOONREGIE_RUN_RUN_DIR": str(run_dir),
        "WOONREGIE_RUN_KAFKA_PORT": str(kafka),
        "WOONREGIE_RUN_KAFKA_CONTROLLER_PORT": str(controller),
        **{f"WOONREGIE_RUN_{name.upper()}_PORT": str(port) for name, port in ports.items()},
        "WOONREGIE_LOG_JSON": "true",
    }
    log = base / "platform.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "shared.local.cli", "run"], cwd=REPO_ROOT, env=env,
        stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    platform = RunningPlatform(process, data_dir, run_dir, kafka, ports, log)
    deadline = time.monotonic() + timeout
    while "Woonregie draait" not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            platform.stop()
            raise RuntimeError(f"platform did not start:\n{log.read_text()[-4000:]}")
        time.sleep(0.5)
    return platform
