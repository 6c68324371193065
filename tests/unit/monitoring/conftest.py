from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.monitoring.domain import MonitoringModel
from typed_events import apply_recorded

RECORDING = Path(__file__).parent / "fixtures" / "recorded_events.json"


def recorded_events() -> list[dict]:
    return json.loads(RECORDING.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def events() -> list[dict]:
    return recorded_events()


@pytest.fixture
def model(events) -> MonitoringModel:
    built = MonitoringModel()
    for event in events:
        apply_recorded(built, event)
    return built
