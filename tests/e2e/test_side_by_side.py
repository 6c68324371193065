"""Every launcher variable is documented, and with them two platforms run side by side on one
machine (issue 14: the controller port was missing from the README, so a second `make run`
failed when 9093 was taken)."""

from __future__ import annotations

import re

import httpx
import pytest
from platform_process import start_platform

from shared.local.launcher import RunSettings
from shared.local.services import SERVICES
from shared.settings import REPO_ROOT


def test_every_launcher_variable_is_in_the_readme():
    readme = REPO_ROOT.joinpath("README.md").read_text()
    documented = set(re.findall(r"`(?:WOONREGIE_RUN_)?([A-Z_]+)`", readme))
    missing = [name.upper() for name in RunSettings.model_fields
               if name.upper() not in documented]
    assert missing == [], f"WOONREGIE_RUN_<NAME> not in README.md: {missing}"


@pytest.mark.e2e
@pytest.mark.kafka
def test_two_platforms_run_side_by_side(tmp_path):
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
    first = start_platform(tmp_path / "first")
    try:
        second = start_platform(tmp_path / "second")
        try:
            assert first.kafka_port != second.kafka_port
            for platform in (first, second):
                for service in SERVICES:
                    assert httpx.get(platform.url(service) + "/v1/health",
                                     timeout=10).status_code == 200
            # each answers from its own data: a token of one is unknown to the other
            token = first.token("GM0014", "municipality")
            assert first.client("registry").get("/v1/municipalities",
                                                 headers=token).status_code == 200
            assert second.client("registry").get("/v1/municipalities",
                                                  headers=token).status_code == 401
        finally:
            second.stop()
    finally:
        first.stop()
