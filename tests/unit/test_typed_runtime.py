"""A service's runtime names its parts as typed attributes; `extras` stays as a read-only
view of them for code written before, and holds nothing of the shared base."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.runtime import Runtime
from shared.settings import WoonregieSettings


@dataclass
class ExampleRuntime(Runtime):
    bus: object = field(init=False)
    today: object = field(init=False)


def test_the_parts_are_attributes_and_extras_is_a_view_of_them():
    runtime = ExampleRuntime(settings=WoonregieSettings(), engine=None, infra=None)
    runtime.bus, runtime.today = "the bus", "the clock"
    assert runtime.bus == "the bus"
    assert runtime.extras == {"bus": "the bus", "today": "the clock"}
    runtime.extras["bus"] = "another"  # a copy: the runtime is changed through attributes only
    assert runtime.bus == "the bus"
