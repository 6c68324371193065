"""Parsing the CSV import (no database, no HTTP)."""

import pytest

from services.intake.api.csv_import import parse_candidates_csv
from services.intake.domain.errors import InvalidInput
from shared.contracts.vocabulary import Accessibility

HEADER = "bsn,householdSize,yearlyIncome,targetGroup,registrationMunicipality"


def test_commas_semicolons_bom_and_blank_lines():
    comma = parse_candidates_csv(f"{HEADER}\n111222333,1,100,medisch,GM0014\n\n".encode())
    semicolon = parse_candidates_csv(("\ufeff" + HEADER.replace(",", ";")
                                      + "\n111222333;1;100;medisch;GM0014\n").encode())
    assert len(comma) == len(semicolon) == 1
    assert comma[0].person == semicolon[0].person
    assert comma[0].person.bsn == "111222333"  # leading zeros would survive: it is text


def test_needs_lists_and_booleans():
    text = (f"{HEADER},accessibility,ambulantSupport,preferredMunicipalities\n"
            "111222333,2,100,medisch,GM0014,rolstoel,Ja,GM0014 | GM1966\n")
    [row] = parse_candidates_csv(text.encode())
    assert row.errors == ()
    assert row.situation.needs.accessibility is Accessibility.ROLSTOEL
    assert row.situation.needs.ambulant_support is True
    assert row.situation.preferred_municipalities == ("GM0014", "GM1966")


def test_row_errors_use_json_field_names():
    text = f"{HEADER},minRooms\n111222333,x,100,studenten,GM0014,0\n"
    [row] = parse_candidates_csv(text.encode())
    assert {e.field for e in row.errors} == {"householdSize", "targetGroup", "needs.minRooms"}


@pytest.mark.parametrize("raw, field", [
    (b"\xff\xfe\x00", "file"),
    (b"", "file"),
    (f"{HEADER},{HEADER}\n".encode(), "header.bsn"),
    (b"bsn,householdSize\n", "header.yearlyIncome"),
])
def test_unreadable_files(raw, field):
    with pytest.raises(InvalidInput) as caught:
        parse_candidates_csv(raw)
    assert field in [e.field for e in caught.value.errors]
