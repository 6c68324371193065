"""Fixtures of the reliability tests: the platform as `woonregie run` starts it.

`live_platform` is shared by the poison-message and privacy tests (one start, about half a
minute); the fault tests and the Kafka security test start their own, since they kill parts
of it or need another broker.
"""

from __future__ import annotations

import pytest

from reliability_helpers import LivePlatform


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: takes a minute or more (real processes, faults); never skipped")


@pytest.fixture(scope="session")
def live_platform(tmp_path_factory):
    platform = LivePlatform.start(tmp_path_factory.mktemp("platform"))
    try:
        yield platform
    finally:
        platform.stop()
