"""The one CSV reader every import uses: what a readable table is, and how a file that is
not one is refused (InvalidInput naming the file or the header)."""

from __future__ import annotations

import pytest

from shared.csv_files import boolean_of, cell_count_error, read_table
from shared.errors import InvalidInput

COLUMNS = ("id", "rooms", "note")
REQUIRED = ("id", "rooms")


def refused(raw: bytes, max_rows: int = 10) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        read_table(raw, COLUMNS, REQUIRED, max_rows=max_rows)
    return [(e.field, e.code) for e in caught.value.errors]


def test_a_dutch_spreadsheet_with_bom_and_blank_rows_is_read():
    table = read_table("\ufeffid;rooms\n1;2\n;\n\n2;3\n".encode(), COLUMNS, REQUIRED,
                       max_rows=10)
    assert table.header == ["id", "rooms"] and table.delimiter == ";"
    assert table.rows == [(1, ["1", "2"]), (2, ["2", "3"])]


def test_a_file_that_is_not_a_table_is_named_as_the_file():
    assert refused(b"\xff\xfe\x00") == [("file", "invalid")]
    assert refused(b"") == [("file", "invalid")]
    assert refused(b"id,rooms\n1,2\n2,3\n", max_rows=1) == [("file", "invalid")]


def test_every_header_problem_is_named_with_its_own_code():
    assert refused(b"id,id,colour\n") == [
        ("header.colour", "unknown-column"), ("header.id", "duplicate-column"),
        ("header.rooms", "missing-column")]


def test_a_row_that_does_not_line_up_with_the_header_is_one_row_error():
    assert cell_count_error(["id", "rooms"], ["1"]).reason == "has 1 cells where the header has 2"
    assert cell_count_error(["id", "rooms"], ["1", "2"]) is None


@pytest.mark.parametrize("value, expected", [("Ja", True), ("nee", False), ("1", True),
                                             ("false", False), ("misschien", None)])
def test_booleans_as_spreadsheets_write_them(value, expected):
    assert boolean_of(value) is expected
