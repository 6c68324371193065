"""The broker's pid file belongs to whoever started that broker (issue 14): after the
launcher's broker died and an operator started it again as documented (`python -m
shared.local.broker start --dir ...`), the launcher's shutdown removed the new broker's pid file,
so `status` said stopped while it ran."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from shared.local.broker import LocalBroker
from shared.settings import REPO_ROOT

pytestmark = pytest.mark.kafka


def broker_cli(workdir, action: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shared.local.broker", action, "--dir", str(workdir)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=180)


def test_a_stop_leaves_the_pid_file_of_a_broker_someone_else_started(tmp_path):
    workdir = tmp_path / "kafka"
    launchers = LocalBroker(workdir, detach=True)
    launchers.start()
    try:
        own_pid = launchers.pid
        os.kill(own_pid, signal.SIGKILL)  # it dies
        started = broker_cli(workdir, "start")  # the operator starts it again
        assert started.returncode == 0, started.stdout + started.stderr
        operators_pid = launchers.pid
        assert operators_pid not in (None, own_pid)

        launchers.stop()  # the launcher shuts down: its own broker is gone already
        assert launchers.pid == operators_pid  # the file still names the running broker
        status = broker_cli(workdir, "status")
        assert status.returncode == 0 and "running" in status.stdout, status.stdout
    finally:
        stopped = broker_cli(workdir, "stop")  # whoever stops it removes the pid file
        assert stopped.returncode == 0
    assert not (workdir / "broker.pid").exists()
    assert broker_cli(workdir, "status").returncode == 1
