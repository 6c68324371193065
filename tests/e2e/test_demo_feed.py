"""`woonregie demo` against the platform as `make run` starts it: within ~20 s of feed, a
placement shows up in monitoring's realisation and the feed reports no errors; afterwards
every topic carries each event once (one outbox relay per database, issue 14)."""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest
from kafka_helpers import consume_all
from platform_process import start_platform
from typer.testing import CliRunner

from shared.contracts.periods import today_amsterdam
from shared.contracts.topics import MAIN_TOPICS

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    running = start_platform(tmp_path_factory.mktemp("demo-platform"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def demo_output(platform) -> str:
    import typer

    from tools.cli import register

    app = typer.Typer()  # the commands `woonregie` gets from allocation (shared.local.cli.main)
    register(app)
    result = CliRunner().invoke(app, [
        "demo", "--rate", "10", "--seconds", "20", "--seed", "7",
        "--registry-url", platform.url("registry"), "--intake-url", platform.url("intake"),
        "--allocation-url", platform.url("allocation"), "--data-dir", str(platform.data_dir),
    ])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_feed_realises_placements_without_errors(platform, demo_output):
    summary = re.search(r"summary: actions=(\d+) errors=(\d+) proposals_answered=(\d+) "
                        r"placements=(\d+)", demo_output)
    assert summary, demo_output
    actions, errors, answered, placements = map(int, summary.groups())
    assert errors == 0, demo_output
    assert actions > 50 and placements >= 1, demo_output

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


def test_a_demo_run_leaves_every_topic_with_one_record_per_event_id(platform, demo_output):
    time.sleep(3)  # the last decisions of the demo: published
    doubled, records = {}, {}
    for topic in MAIN_TOPICS:
        ids = Counter(m.received.id for m in consume_all(platform.bootstrap, topic.name,
                                                         timeout=30) if m.received)
        doubled[topic.name] = sum(1 for n in ids.values() if n > 1)
        records[topic.name] = sum(ids.values())
    assert records["allocation.proposals.v1"] > 20, records  # the demo did make proposals
    assert all(n == 0 for n in doubled.values()), (doubled, records)
