"""Domain events to the shared event contracts, with deterministic CloudEvents ids.

The domain's events carry exactly the contracts' field names (tested in the domain's
contract test), so the conversion is by name. An emitted event's id derives from what caused
it (the consumed event's id, or the API command and the aggregate version it applied to) and
its position among the events of that cause: redoing the same work after a crash before the
commit yields the same ids, never a second set.
"""

from __future__ import annotations

import dataclasses
import uuid

from services.allocation.domain import DomainEvent
from services.allocation.domain.ids import NAMESPACE
from shared.contracts import events as contracts
from shared.contracts.events import Event


def to_contract(event: DomainEvent) -> Event:
    contract: type[Event] = getattr(contracts, type(event).__name__)
    return contract(**_plain(event))


def _plain(value):
    """`dataclasses.asdict` without its deep copy of every leaf (the domain's values are
    immutable): dataclasses to dicts, lists and tuples to lists, recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def emitted_event_id(cause: str, index: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"event:{cause}#{index}"))
