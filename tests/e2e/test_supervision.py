"""`woonregie run` supervises its parts (issue 14): kill -9 of each part in turn (the broker,
every API, the allocation worker) under a stream of writes. The other APIs keep answering,
the part is back within 15 s (`woonregie status`: new pid, one restart, healthy), and every
write that was answered 2xx is on its topic. Then `woonregie stop` stops everything with
exit code 0, and a second `woonregie stop` is a harmless no-op."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import httpx
import pytest
from kafka_helpers import consume_all
from platform_process import RunningPlatform, start_platform
from reliability.reliability_helpers import candidate_body, dwelling_body, new_bag_id

from shared.contracts import events as ev
from shared.contracts import topics
from shared.local.services import SERVICES
from shared.local.supervision import pid_alive, read_status
from shared.settings import REPO_ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

BACK_WITHIN = 15.0


def cli(platform: RunningPlatform, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WOONREGIE_RUN_RUN_DIR": str(platform.run_dir),
           "WOONREGIE_DATA_DIR": str(platform.data_dir)}
    return subprocess.run([sys.executable, "-m", "shared.local.cli", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def parts(platform: RunningPlatform) -> dict[str, dict]:
    result = cli(platform, "status", "--json")
    return {part["name"]: part for part in json.loads(result.stdout)["parts"]}


class WriteStream(threading.Thread):
    """Registers dwellings (registry) and candidates (intake) until stopped; a refused
    connection or a 503 is retried with the same request (idempotent: PUT by bag id, POST
    with an Idempotency-Key)."""

    def __init__(self, platform: RunningPlatform):
        super().__init__(daemon=True)
        self.platform = platform
        self.corporation = platform.token("lefier", "corporation")
        self.care = platform.token("demo-beschermd-wonen-stad", "care-provider")
        self.stop = threading.Event()
        self.dwellings: set[str] = set()
        self.candidates: set[str] = set()
        self.wrong: list[str] = []

    def run(self) -> None:
        registry, intake = self.platform.client("registry"), self.platform.client("intake")
        bag_id, key, body = new_bag_id(), str(uuid.uuid4()), candidate_body()
        while not self.stop.is_set():
            if self._ok(registry, "PUT", f"/v1/dwellings/{bag_id}", json=dwelling_body(),
                        headers=self.corporation):
                self.dwellings.add(bag_id)
                bag_id = new_bag_id()
            answer = self._ok(intake, "POST", "/v1/candidates", json=body,
                              headers=self.care | {"Idempotency-Key": key})
            if answer:
                self.candidates.add(answer.json()["id"])
                key, body = str(uuid.uuid4()), candidate_body()
            self.stop.wait(0.2)

    def _ok(self, client: httpx.Client, method: str, path: str, **kwargs):
        try:
            response = client.request(method, path, **kwargs)
        except httpx.TransportError:
            return None  # the service is down or restarting: the same request again
        if response.status_code in (200, 201):
            return response
        if response.status_code != 503:
            self.wrong.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
        return None


def answers(platform: RunningPlatform, service: str) -> bool:
    try:
        return platform.client(service).get("/v1/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def status_now(platform: RunningPlatform) -> dict[str, dict]:
    """What `woonregie status --json` shows, read in this process (what the command calls):
    starting a Python process per poll would blur the 15 s being measured."""
    _, found = read_status(platform.run_dir)
    return {part.name: dataclasses.asdict(part) for part in found}


def kill_and_await_return(platform: RunningPlatform, name: str) -> float:
    """kill -9 `name`; while it is away the other APIs answer; returns seconds until it is
    back (a new pid, healthy, one restart more)."""
    before = status_now(platform)[name]
    os.kill(before["pid"], signal.SIGKILL)
    killed = time.monotonic()
    others = [s for s in SERVICES if s != name]
    while True:
        now = status_now(platform)[name]
        elapsed = time.monotonic() - killed
        if (now["pid"] != before["pid"] and now["health"] == "healthy"
                and now["restarts"] == before["restarts"] + 1):
            return elapsed
        assert elapsed < BACK_WITHIN, f"{name} not back within {BACK_WITHIN} s: {now}"
        assert all(answers(platform, s) for s in others), f"another API stopped after {name}"
        time.sleep(0.3)


def event_ids_by(bootstrap: str, topic: str, kind, attribute) -> set[str]:
    return {attribute(m.received.event) for m in consume_all(bootstrap, topic, timeout=30)
            if m.received is not None and isinstance(m.received.event, kind)}


def test_each_part_killed_comes_back_while_the_rest_serves_and_nothing_accepted_is_lost(
        tmp_path):
    platform = start_platform(tmp_path)
    try:
        status = parts(platform)
        expected = {"kafka", *SERVICES, *(f"{n}-worker" for n, s in SERVICES.items()
                                          if s.has_worker)}
        assert set(status) == expected
        assert all(p["health"] == "healthy" and p["restarts"] == 0 and p["up_since"]
                   for p in status.values()), status
        stream = WriteStream(platform)
        stream.start()
        back = {}
        for name in ["kafka", *sorted(expected - {"kafka"})]:
            time.sleep(2)  # writes land between faults
            back[name] = kill_and_await_return(platform, name)
        time.sleep(2)
        stream.stop.set()
        stream.join(60)
        print("back after (s):", {k: round(v, 1) for k, v in back.items()})
        assert not stream.wrong, stream.wrong[:5]
        assert len(stream.dwellings) >= 10 and len(stream.candidates) >= 10

        def published() -> bool:
            dwellings = event_ids_by(platform.bootstrap, topics.DWELLINGS.name,
                                     ev.DwellingUpserted, lambda e: e.dwelling.bag_id)
            candidates = event_ids_by(platform.bootstrap, topics.CANDIDATES.name,
                                      ev.CandidateRegistered, lambda e: e.candidate_id)
            return stream.dwellings <= dwellings and stream.candidates <= candidates

        deadline = time.monotonic() + 60
        while not published():
            assert time.monotonic() < deadline, "an accepted write never reached its topic"
            time.sleep(2)

        # stop: exit 0, everything gone, the second stop too
        pids = [p["pid"] for p in parts(platform).values()]
        first = cli(platform, "stop")
        assert first.returncode == 0, first.stdout + first.stderr
        assert "Traceback" not in first.stderr
        assert platform.process.wait(60) == 0
        assert not [pid for pid in pids if pid_alive(pid)]
        assert not list(platform.run_dir.glob("*.pid"))
        second = cli(platform, "stop")
        assert second.returncode == 0 and "nothing was running" in second.stdout
        assert cli(platform, "status").returncode == 1
    finally:
        platform.stop()
