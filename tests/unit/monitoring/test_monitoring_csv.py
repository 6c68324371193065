"""CSV writing and the JSON/CSV content negotiation."""

from __future__ import annotations

import csv
import io

import pytest
from starlette.requests import Request

from services.monitoring.api.exports import to_csv, wants_csv


def request_with(accept: str | None) -> Request:
    headers = [] if accept is None else [(b"accept", accept.encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers})


@pytest.mark.parametrize("accept, expected", [
    (None, False),
    ("*/*", False),
    ("application/json", False),
    ("text/csv", True),
    ("text/csv; charset=utf-8", True),
    ("application/json, text/csv;q=0.5", False),
    ("text/csv, application/json;q=0.9", True),
    ("text/csv;q=0", False),
    ("text/html, text/csv", True),
])
def test_negotiation(accept, expected):
    assert wants_csv(request_with(accept)) is expected


def test_csv_has_a_header_of_every_key_and_keeps_the_marker():
    text = to_csv([{"municipality": "GM0014", "realised": 6},
                   {"municipality": "GM1979", "realised": "<5", "extra": 1.5}])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["municipality", "realised", "extra"], ["GM0014", "6", ""],
                    ["GM1979", "<5", "1.5"]]
    assert text.endswith("\r\n")


def test_csv_neutralises_formulas_but_not_numbers():
    text = to_csv([{"reason": "=HYPERLINK(\"x\")", "lag": -1.5, "note": "@sum", "ok": "fine"}])
    row = list(csv.DictReader(io.StringIO(text)))[0]
    assert row["reason"].startswith("'=")
    assert row["note"] == "'@sum"
    assert row["lag"] == "-1.5" and row["ok"] == "fine"


def test_csv_of_nested_values_is_json():
    text = to_csv([{"byAccessibility": {"geen": 1}}])
    assert list(csv.DictReader(io.StringIO(text)))[0]["byAccessibility"] == '{"geen": 1}'
