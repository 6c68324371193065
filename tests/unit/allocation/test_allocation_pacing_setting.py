"""The pacing of the fair-share controller is a deployment setting: WOONREGIE_PACING reaches
the Allocator the service runs, and a value the controller does not know is refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.allocation.bootstrap import bootstrap
from services.allocation.domain import Pacing
from shared.settings import AllocationSettings


def test_pacing_from_the_environment_reaches_the_allocation_policy(tmp_path, monkeypatch):
    monkeypatch.setenv("WOONREGIE_PACING", "front-loaded")
    monkeypatch.setenv("WOONREGIE_BAND_TOLERANCE", "0.05")
    runtime = bootstrap(AllocationSettings(data_dir=tmp_path))
    try:
        policy = runtime.deps.policy
        assert policy.pacing is Pacing.FRONT_LOADED
        assert policy.band_tolerance == 0.05
    finally:
        runtime.engine.dispose()


def test_even_pacing_is_the_default(tmp_path):
    runtime = bootstrap(AllocationSettings(data_dir=tmp_path))
    try:
        assert runtime.deps.policy.pacing is Pacing.EVEN
    finally:
        runtime.engine.dispose()


def test_unknown_pacing_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("WOONREGIE_PACING", "asap")
    with pytest.raises(ValidationError, match="pacing"):
        AllocationSettings(data_dir=tmp_path)


def test_decision_lead_days_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WOONREGIE_DECISION_LEAD_DAYS", "17")
    runtime = bootstrap(AllocationSettings(data_dir=tmp_path))
    try:
        assert runtime.deps.policy.decision_lead_days == 17
    finally:
        runtime.engine.dispose()
    monkeypatch.setenv("WOONREGIE_DECISION_LEAD_DAYS", "-1")
    with pytest.raises(ValidationError, match="decision_lead_days"):
        AllocationSettings(data_dir=tmp_path)
