"""Parsing a CSV file of dwellings (no I/O): separators, decimal commas, booleans, errors."""

from __future__ import annotations

import pytest

from services.registry.api.csv_import import parse_dwellings_csv
from services.registry.domain.errors import InvalidInput
from shared.contracts.vocabulary import Accessibility

HEADER = "bagId,municipality,rooms,monthlyRent,accessibility,careSuitable,neighbourhood"


def parse(text: str):
    return parse_dwellings_csv(text.encode(), "lefier")


def test_a_good_row_becomes_a_dwelling_of_the_caller():
    [row] = parse(f"{HEADER}\n0014010011067299,GM0014,3,612.50,nultreden,ja,Selwerd\n")
    assert row.number == 1 and not row.errors
    dwelling = row.dwelling
    assert (dwelling.bag_id, dwelling.corporation, dwelling.monthly_rent) == (
        "0014010011067299", "lefier", 612.5)
    assert dwelling.accessibility is Accessibility.NULTREDEN and dwelling.care_suitable


def test_semicolons_decimal_commas_a_bom_and_blank_lines():
    text = ("\ufeffbagId;municipality;rooms;monthlyRent;accessibility\r\n\r\n"
            "0014010011067299;GM0014;2;598,75;geen\r\n")
    [row] = parse(text)
    assert row.dwelling.monthly_rent == 598.75 and row.dwelling.care_suitable is False


def test_row_errors_name_the_fields_and_keep_the_raw_identifiers():
    rows = parse(f"{HEADER}\n"
                 "0014010011067299,GM0014,3,-1,lift,misschien,\n"
                 ",GM0014,3,600,geen,nee,\n"
                 "1,2\n")
    assert {e.field for e in rows[0].errors} == {"monthlyRent", "accessibility", "careSuitable"}
    assert rows[0].raw == {"bagId": "0014010011067299", "municipality": "GM0014"}
    assert [e.field for e in rows[1].errors] == ["bagId"]
    assert [e.field for e in rows[2].errors] == ["row"]
    assert [r.number for r in rows] == [1, 2, 3]


@pytest.mark.parametrize("raw, field", [
    (b"", "file"),
    (b"\xff\xfe\x00", "file"),
    (b"bagId,rooms\n", "header.municipality"),
    (f"{HEADER},{HEADER.split(',')[0]}\n".encode(), "header.bagId"),
    (f"{HEADER},colour\n".encode(), "header.colour"),
])
def test_unreadable_files(raw, field):
    with pytest.raises(InvalidInput) as raised:
        parse_dwellings_csv(raw, "lefier")
    assert field in [e.field for e in raised.value.errors]
