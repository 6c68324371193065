"""`woonregie demo` against the platform as `make run` starts it: within ~20 s of feed, a
placement shows up in monitoring's realisation and the feed reports no errors."""

from __future__ import annotations

import re
import time

import pytest
from typer.testing import CliRunner

from platform_process import start_platform
from shared.periods import today_amsterdam

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    running = start_platform(tmp_path_factory.mktemp("demo-platform"))
    yield running
    running.stop()


def test_demo_feed_realises_placements_without_errors(platform):
    import typer

    from services.allocation.cli import register

    app = typer.Typer()  # the commands `woonregie` gets from allocation (shared.cli.main)
    register(app)
    result = CliRunner().invoke(app, [
        "demo", "--rate", "10", "--seconds", "20", "--seed", "7",
        "--registry-url", platform.url("registry"), "--intake-url", platform.url("intake"),
        "--allocation-url", platform.url("allocation"), "--data-dir", str(platform.data_dir),
    ])
    assert result.exit_code == 0, result.output
    summary = re.search(r"summary: actions=(\d+) errors=(\d+) proposals_answered=(\d+) "
                        r"placements=(\d+)", result.output)
    assert summary, result.output
    actions, errors, answered, placements = map(int, summary.groups())
    assert errors == 0, result.output
    assert actions > 50 and placements >= 1, result.output

    province = platform.token("provincie-groningen", "province")
    monitoring = platform.client("monitoring")
    period = str(today_amsterdam().year)
    deadline = time.monotonic() + 30
    while True:
        body = monitoring.get("/v1/realisation", headers=province,
                              params={"period": period}).json()
        if sum(row["realised"] for row in body["municipalities"]) >= 1:
            break
        assert time.monotonic() < deadline, body
        time.sleep(0.5)
