"""What the launcher's supervisor needs besides processes: restart backoff and the status file.

The launcher (`woonregie run`) writes `<run_dir>/status.json` whenever a part starts or
restarts; `woonregie status` reads it and probes each part's health itself, so the answer
is current even when the launcher itself is gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import httpx

STATUS_FILE = "status.json"
LAUNCHER = "launcher"


@dataclass
class Backoff:
    """Delay before the next restart of a part: doubles per quick crash, up to `ceiling`.

    A part that ran `stable_seconds` before it died starts again after `first` seconds: a
    crash loop is slowed down, a rare crash is repaired at once."""

    first: float = 0.5
    ceiling: float = 8.0
    stable_seconds: float = 30.0
    current: float = 0.0

    def next_delay(self, ran_for: float) -> float:
        if ran_for >= self.stable_seconds or self.current == 0.0:
            self.current = self.first
        else:
            self.current = min(self.current * 2, self.ceiling)
        return self.current


@dataclass
class PartStatus:
    """One supervised part as `woonregie status` shows it."""

    name: str
    pid: int | None
    up_since: str | None
    restarts: int
    health_url: str | None = None  # APIs answer /v1/health
    port: int | None = None  # the broker: its client port accepts connections
    health: str = "unknown"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_status(run_dir: Path, launcher_pid: int, parts: list[PartStatus]) -> None:
    """Atomically replace the status file (a reader never sees half of it)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    document = {"launcher": launcher_pid, "parts": [asdict(p) for p in parts]}
    temporary = run_dir / f".{STATUS_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(document, indent=1))
    os.replace(temporary, run_dir / STATUS_FILE)


def read_status(run_dir: Path) -> tuple[int | None, list[PartStatus]]:
    """(launcher pid, parts with their health probed now); (None, []) without a status file."""
    try:
        document = json.loads((run_dir / STATUS_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None, []
    parts = [PartStatus(**part) for part in document["parts"]]
    for part in parts:
        part.health = probe(part)
    launcher = document["launcher"]
    return (launcher if pid_alive(launcher) else None), parts


def probe(part: PartStatus) -> str:
    """`healthy`, `unhealthy` (runs, does not answer) or `down` (no process)."""
    if part.pid is None or not pid_alive(part.pid):
        return "down"
    if part.health_url:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(part.health_url, timeout=2).status_code == 200:
                return "healthy"
        return "unhealthy"
    if part.port:
        with contextlib.suppress(OSError), socket.create_connection(
                ("127.0.0.1", part.port), timeout=1):
            return "healthy"
        return "unhealthy"
    return "healthy"


def pid_alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    return True


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.1)
    return not pid_alive(pid)
