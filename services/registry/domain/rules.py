"""Small input rules shared by the API, the CSV import and the feed: identifiers and dates.

Each returns a reason (str) when the value is wrong, or None.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_BAG_ID = re.compile(r"^\d{16}$")
_CBS_CODE = re.compile(r"^GM\d{4}$")

# how far a date may lie from today, in days (before, after)
AVAILABLE_FROM_WINDOW = (366, 731)
EVENT_DATE_WINDOW = (366, 366)  # a letting or withdrawal date


def bag_id_error(value: str) -> str | None:
    if not isinstance(value, str) or not _BAG_ID.fullmatch(value):
        return "must be a BAG verblijfsobject id of 16 digits"
    return None


def cbs_code_error(value: str) -> str | None:
    if not isinstance(value, str) or not _CBS_CODE.fullmatch(value):
        return "must be a CBS code like GM0014"
    return None


def municipality_error(code: str, known: set[str] | frozenset[str]) -> str | None:
    return cbs_code_error(code) or (
        None if code in known else f"unknown municipality {code}; see GET /v1/municipalities")


def date_window_error(value: date | None, today: date, window: tuple[int, int]) -> str | None:
    if value is None:
        return "is required"
    before, after = window
    low, high = today - timedelta(days=before), today + timedelta(days=after)
    if not low <= value <= high:
        return f"must lie between {low.isoformat()} and {high.isoformat()}"
    return None
