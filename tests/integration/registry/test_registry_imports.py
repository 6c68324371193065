"""CSV import of dwellings: all rows or none, with an error report per row and field."""

from __future__ import annotations

import pytest
from registry_helpers import (
    PROBLEM,
    events_on,
    new_bag_id,
    outbox_count,
    put_dwelling,
    wait_for_relay,
)

from shared.contracts import topics

pytestmark = pytest.mark.kafka
HEADER = "bagId,municipality,rooms,monthlyRent,accessibility,careSuitable,neighbourhood"


def post_csv(client, headers, text: str, content_type: str = "text/csv"):
    return client.post("/v1/dwelling-imports", content=text.encode(),
                       headers=headers | {"content-type": content_type})


def test_a_good_file_stores_and_publishes_every_row(registry, corporation, kafka_bootstrap):
    first, second, third = new_bag_id(), new_bag_id("1966"), new_bag_id("1895")
    put_dwelling(registry, corporation, third, rooms=2, municipality="GM1895")
    text = "\n".join([HEADER,
                      f"{first},GM0014,3,612.50,nultreden,ja,Selwerd",
                      f"{second},GM1966,4,700,geen,nee,",
                      f"{third},GM1895,2,612.5,nultreden,ja,Selwerd"])

    response = post_csv(registry, corporation, text)

    assert response.status_code == 201, response.text
    report = response.json()
    assert (report["imported"], report["created"], report["updated"], report["unchanged"]) == (
        3, 2, 0, 1)
    assert report["rows"][1] == {"row": 2, "bagId": second, "result": "created"}
    stored = registry.get(f"/v1/dwellings/{second}", headers=corporation).json()
    assert stored == {"bagId": second, "municipality": "GM1966", "corporation": "lefier",
                      "rooms": 4, "monthlyRent": 700.0, "accessibility": "geen",
                      "careSuitable": False, "neighbourhood": None}
    wait_for_relay(registry)
    published = events_on(kafka_bootstrap, topics.DWELLINGS.name, {first, second, third})
    assert sorted(m.key for m in published) == sorted([first, second, third])  # third: once


def test_dutch_spreadsheets_with_semicolons_and_decimal_commas(registry, corporation):
    bag_id = new_bag_id()
    text = ("\ufeffbagId;municipality;rooms;monthlyRent;accessibility;careSuitable\r\n"
            f"{bag_id};GM0014;2;598,75;rollator;ja\r\n")
    response = post_csv(registry, corporation, text, "text/csv; charset=utf-8")
    assert response.status_code == 201, response.text
    assert registry.get(f"/v1/dwellings/{bag_id}", headers=corporation).json()[
        "monthlyRent"] == 598.75


def test_any_bad_row_imports_nothing_and_reports_every_error(registry, corporation,
                                                             other_corporation, kafka_bootstrap):
    good, foreign, repeated = new_bag_id(), new_bag_id(), new_bag_id()
    put_dwelling(registry, other_corporation, foreign)
    before = outbox_count(registry)
    text = "\n".join([HEADER,
                      f"{good},GM0014,3,612.50,nultreden,ja,Selwerd",
                      "123,GM0014,3,612.50,nultreden,ja,",
                      f"{new_bag_id()},GM9999,3,-5,lift,ja,",
                      f"{foreign},GM0014,3,612.50,geen,nee,",
                      f"{repeated},GM0014,3,612.50,geen,nee,",
                      f"{repeated},GM0014,3,612.50,geen,nee,",
                      f"{new_bag_id()},GM0014,3"])

    response = post_csv(registry, corporation, text)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    errors = {(e["row"], e["field"]) for e in problem["errors"]}
    assert errors == {(2, "bagId"), (3, "municipality"), (3, "monthlyRent"),
                      (3, "accessibility"), (4, "bagId"), (6, "bagId"), (7, "row")}
    assert "rows[3].monthlyRent" in [p["name"] for p in problem["invalidParams"]]
    assert problem["rows"] == 7
    assert outbox_count(registry) == before
    assert registry.get(f"/v1/dwellings/{good}", headers=corporation).status_code == 404
    wait_for_relay(registry)
    assert events_on(kafka_bootstrap, topics.DWELLINGS.name, {good, repeated}) == []


@pytest.mark.parametrize("text, field", [
    ("", "file"),
    ("bagId,municipality,rooms,monthlyRent\n", "header.accessibility"),
    (HEADER + ",garden\n", "header.garden"),
    (HEADER + "\n", "file"),
])
def test_unreadable_files_name_the_problem(registry, corporation, text, field):
    response = post_csv(registry, corporation, text)
    assert response.status_code == 422
    names = [p["name"] for p in response.json()["invalidParams"]]
    assert any(name.endswith(field) for name in names), names


def test_imports_need_csv(registry, corporation):
    response = registry.post("/v1/dwelling-imports", json={"rows": []}, headers=corporation)
    assert response.status_code == 415
