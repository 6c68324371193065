"""The parsing shortcuts in records.py (remembered type names, dates, snake names, enum
lookups by value) give what the plain path gives, also the second time, and errors stay
errors."""

import pytest

from services.monitoring.domain import records
from services.monitoring.domain.records import (
    MalformedEvent,
    UnknownEventType,
    UnsupportedVersion,
    event_name,
    parse,
    to_date,
)
from shared.contracts.vocabulary import Accessibility


@pytest.mark.parametrize("text", ["2026-03-01", "2026-03-01T22:30:00Z", "2026-10-25T00:30:00+00:00"])
def test_to_date_remembered_equals_plain(text):
    plain = records._to_date(text, "d")
    assert to_date(text) == plain
    assert to_date(text) == plain  # from the cache


@pytest.mark.parametrize("bad", ["2026-13-01", "gisteren", ""])
def test_to_date_errors_every_time(bad):
    for _ in range(2):
        with pytest.raises(MalformedEvent):
            to_date(bad, "d")


def test_event_name_remembered_and_errors_every_time():
    for _ in range(2):
        assert event_name("nl.woonregie.intake.urgency-granted.v1") == "intake.urgency-granted"
        assert event_name("UrgencyGranted") == "intake.urgency-granted"
        with pytest.raises(UnsupportedVersion):
            event_name("nl.woonregie.intake.urgency-granted.v2")
        with pytest.raises(UnknownEventType):
            event_name("nl.woonregie.intake.nothing.v1")


def test_enum_lookup_by_value_and_errors():
    for value in Accessibility:
        assert records._enum({"a": value.value}, "a", Accessibility) == value.value
    with pytest.raises(MalformedEvent):
        records._enum({"a": "trap"}, "a", Accessibility)
    with pytest.raises(MalformedEvent):
        records._enum({"a": ["geen"]}, "a", Accessibility)


def test_snake_case_fallback_still_read():
    data = {"dwelling": {"bag_id": "0001", "municipality": "GM0014", "corporation": "c",
                         "rooms": 2, "monthly_rent": 600.0, "accessibility": "geen"}}
    for _ in range(2):
        _, record = parse("registry.dwelling-upserted", data)
        assert (record.bag_id, record.monthly_rent, record.care_suitable) == ("0001", 600.0, False)
