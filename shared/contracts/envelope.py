"""CloudEvents 1.0 envelope (structured JSON mode) and the codec built on the event models.

`encode` and `decode` are what every producer and consumer uses, with kafka-python as well as
with Faust (see `shared.contracts.codecs`). `decode` raises `PoisonMessage` with a reason a person can
read; consumers send such messages to the DLQ.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.contracts.events import REGISTRY, Event
from shared.contracts.periods import utcnow

_TYPE = re.compile(r"^(?P<name>[a-z0-9.-]+)\.v(?P<major>\d+)$")


class CloudEvent(BaseModel):
    """The CloudEvents 1.0 context attributes plus `data`; extensions are allowed."""

    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"]
    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    time: datetime
    subject: str | None = None
    datacontenttype: str = "application/json"
    dataschema: str | None = None
    data: dict[str, Any]


class PoisonMessage(Exception):
    """A message no consumer can process; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Received:
    envelope: CloudEvent
    event: Event

    @property
    def id(self) -> str:
        return self.envelope.id


def new_event_id() -> str:
    return str(uuid.uuid4())


def envelope_for(
    event: Event, *, source: str, event_id: str | None = None, time: datetime | None = None
) -> CloudEvent:
    return CloudEvent(
        specversion="1.0",
        id=event_id or new_event_id(),
        source=source,
        type=event.type_name(),
        time=time or utcnow(),
        subject=event.subject(),
        dataschema=f"urn:woonregie:schema:{event.NAME}:v{event.VERSION}",
        data=event.wire(),
    )


def encode(
    event: Event, *, source: str, event_id: str | None = None, time: datetime | None = None
) -> bytes:
    envelope = envelope_for(event, source=source, event_id=event_id, time=time)
    return encode_envelope(envelope)


def encode_envelope(envelope: CloudEvent) -> bytes:
    return envelope.model_dump_json(exclude_none=True).encode()


def event_class_for(type_name: str) -> type[Event]:
    match = _TYPE.fullmatch(type_name)
    if not match:
        raise PoisonMessage(f"event type {type_name!r} does not end in .v<major>")
    versions = REGISTRY.get(match["name"])
    if versions is None:
        raise PoisonMessage(f"unknown event type {match['name']!r}")
    major = int(match["major"])
    if major not in versions:
        known = ", ".join(f"v{v}" for v in sorted(versions))
        raise PoisonMessage(f"unsupported major version v{major} of {match['name']} (knows {known})")
    return versions[major]


def decode(raw: bytes | str | None) -> Received:
    """One JSON parse per message: the envelope is validated straight from the bytes
    (pydantic's own parser), then its `data` as the event class its type names."""
    if raw is None or raw in (b"", ""):
        raise PoisonMessage("empty message")
    try:
        envelope = CloudEvent.model_validate_json(raw)
    except ValidationError as exc:
        raise PoisonMessage(_envelope_reason(exc)) from exc
    cls = event_class_for(envelope.type)
    try:
        event = cls.model_validate(envelope.data)
    except ValidationError as exc:
        raise PoisonMessage(f"invalid {envelope.type} data: {_summary(exc)}") from exc
    return Received(envelope=envelope, event=event)


def _envelope_reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    if first["type"] == "json_invalid":
        return f"not JSON: {first['msg']}"
    if first["type"] == "model_type" and not first["loc"]:
        return "not a CloudEvents JSON object"
    return f"invalid CloudEvents envelope: {_summary(exc)}"


def _summary(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        location = ".".join(str(p) for p in error["loc"]) or "(root)"
        parts.append(f"{location}: {error['msg']}")
    return "; ".join(parts)
