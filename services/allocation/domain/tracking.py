"""Which entities of an Allocator changed since it was last stored, noted as they change.

Storing then costs O(what changed) instead of a walk over the whole aggregate. The containers
and the entities note it themselves, not the commands: a command that forgot to say what it
changed would lose that change, silently, at the next restore. Every entity dict of the
Allocator is a `TrackedDict`, which notes each key it sets, adds or removes; every mutable
entity (`Tracked`: candidates, vacancies, proposals) notes each field set on it once a
TrackedDict holds it. Everything else in those dicts is immutable (frozen dataclasses,
tuples), so it changes only by being set again.

`Touched` keeps per kind the keys noted, in an order that matters: a key added (or removed
and added again) moves to the end, as it does in the dict, so the keys added since the last
store come in the dict's own order and get their `seq` in it (`stored.changes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Keys = dict[str, None]  # an ordered set


class Touched:
    """Per kind, the keys noted since the last `take`."""

    __slots__ = ("_by_kind",)

    def __init__(self) -> None:
        self._by_kind: dict[str, Keys] = {}

    def of(self, kind: str) -> Keys:
        """The kind's keys; the same object for the aggregate's life (entities hold it)."""
        keys = self._by_kind.get(kind)
        if keys is None:
            keys = self._by_kind[kind] = {}
        return keys

    def take(self, kind: str) -> list[str]:
        keys = self.of(kind)
        taken = list(keys)
        keys.clear()
        return taken

    def clear(self) -> None:
        for keys in self._by_kind.values():
            keys.clear()


class Tracked:
    """A mutable entity that notes a field set on it in the keys of the dict holding it.

    `_held_in` is set by `TrackedDict` (not a dataclass field: equality, `asdict` and
    `replace` never see it); an entity no TrackedDict holds notes nothing."""

    _held_in: tuple[Keys, str] | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        held_in = self._held_in
        if held_in is not None:
            held_in[0].setdefault(held_in[1], None)


class TrackedDict(dict[str, Any]):
    """A dict that notes in `keys` every key it sets or removes. Reading is a plain dict's."""

    def __init__(self, keys: Keys, items: Iterable[tuple[str, Any]] = ()) -> None:
        super().__init__()
        self.keys_noted = keys
        for key, value in items:
            self[key] = value

    def __setitem__(self, key: str, value: Any) -> None:
        keys = self.keys_noted
        if key in self:  # replaced in place: the dict's order stays
            keys.setdefault(key, None)
        else:  # added: to the end, in the dict and in `keys`
            keys.pop(key, None)
            keys[key] = None
        if isinstance(value, Tracked):
            object.__setattr__(value, "_held_in", (keys, key))
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.keys_noted.setdefault(key, None)

    def pop(self, key: str, *default: Any) -> Any:
        if key in self:
            self.keys_noted.setdefault(key, None)
        return super().pop(key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def popitem(self) -> tuple[str, Any]:
        key, value = super().popitem()
        self.keys_noted.setdefault(key, None)
        return key, value

    def clear(self) -> None:
        for key in self:
            self.keys_noted.setdefault(key, None)
        super().clear()

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> TrackedDict:
        self.update(other)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # pickle would set the items before the attributes; a copy notes them as added
        return (TrackedDict, (self.keys_noted, list(self.items())))
