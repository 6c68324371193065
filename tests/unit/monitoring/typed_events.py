"""Typed events for the monitoring unit tests, built from wire data (camelCase) by the
contract classes of shared/contracts/events.py, as `shared.contracts.envelope.decode`
builds them for the consumer."""

from __future__ import annotations

from typing import Any

from shared.contracts.envelope import event_class_for
from shared.contracts.events import Event


def typed(type_name: str, data: dict[str, Any]) -> Event:
    """The event of `nl.woonregie.<name>.v1` (or a full CloudEvents type) with this data."""
    if not type_name.startswith("nl.woonregie."):
        type_name = f"nl.woonregie.{type_name}.v1"
    return event_class_for(type_name).model_validate(data)


def recorded(envelope: dict[str, Any]) -> Event:
    """The typed event of a recorded CloudEvents dict (fixtures/recorded_events.json)."""
    return typed(envelope["type"], envelope["data"])


def apply_recorded(model, envelope: dict[str, Any], event_id: str | None = None) -> bool:
    return model.apply(recorded(envelope), event_id or envelope["id"])
