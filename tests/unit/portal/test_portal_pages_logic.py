"""The portal's page logic without I/O: paging and searching, form reading, what waits."""

from __future__ import annotations

from datetime import date

from services.portal.api.forms import FormReader, api_field_errors
from services.portal.service.care import stage_of
from services.portal.service.listing import page_number, paged, search_text
from services.portal.service.waiting import expiring_soon, is_stalled, waiting_on_decision

TODAY = date(2026, 12, 5)


def test_paged_searches_only_the_named_keys_and_clamps_the_page():
    items = [{"id": f"p{i}", "municipality": "GM0014" if i % 2 else "GM1969",
              "secret": "GM0014"} for i in range(45)]
    found = paged(items, page=9, size=10, query="gm0014", keys=("municipality",))
    assert found.total == 22 and found.pages == 3 and found.page == 3
    assert [i["id"] for i in found.items] == ["p41", "p43"]
    assert paged(items, 1, 10, "", ("municipality",)).total == 45
    assert paged(items, 1, 10, "nergens", ("id",)).pages == 1


def test_page_numbers_and_search_text_are_bounded():
    assert [page_number(raw) for raw in (None, "", "0", "-3", "abc", "7", "9" * 30)] == \
        [1, 1, 1, 1, 1, 7, 1]
    assert search_text("  x" * 200) == ("  x" * 200).strip()[:100]


def test_form_reader_puts_a_dutch_error_beside_each_bad_field():
    reader = FormReader({"datum": "31-12-2026", "naam": "x" * 201, "aantal": "13",
                         "keuze": "onbekend", "bevestigd": "ja", "csrf_token": "t"})
    assert reader.day("datum", "de datum") is None
    assert reader.text("naam", "de naam") is None
    assert reader.number("aantal", "aantal kamers", low=1, high=12) is None
    assert reader.choice("keuze", "een keuze", {"a": "A"}) is None
    assert reader.text("leeg", "een reden") is None
    assert set(reader.errors) == {"datum", "naam", "aantal", "keuze", "leeg"}
    assert reader.errors["leeg"] == "Vul een reden in."
    assert "ten hoogste 200 tekens" in reader.errors["naam"]
    assert reader.confirmed and "csrf_token" not in reader.hidden()


def test_form_reader_accepts_good_values():
    reader = FormReader({"datum": "2026-12-31", "inkomen": "21000,50", "kamers": ""})
    assert reader.day("datum", "de datum") == date(2026, 12, 31)
    assert reader.number("inkomen", "inkomen", low=0, high=10**7, whole=False) == 21000.5
    assert reader.number("kamers", "kamers", low=1, high=12, required=False) is None
    assert reader.ok and not reader.confirmed


def test_service_field_errors_land_on_the_form_fields():
    errors = api_field_errors({"availableFrom": "too early", "body.unknown": "x"},
                              {"availableFrom": "beschikbaar"})
    assert errors == {"beschikbaar": "Niet geaccepteerd: too early"}


def test_what_waits_rules():
    assert is_stalled({"proposedOn": "2026-11-25"}, TODAY)
    assert not is_stalled({"proposedOn": "2026-11-26"}, TODAY)
    assert waiting_on_decision({"status": "active", "urgency": None})
    assert not waiting_on_decision({"status": "housed", "urgency": None})
    granted = {"status": "active", "urgency": {"status": "granted", "validUntil": "2026-12-19"}}
    assert expiring_soon(granted, TODAY)
    assert not expiring_soon(granted | {"urgency": {"status": "granted",
                                                     "validUntil": "2026-12-20"}}, TODAY)


def test_where_a_client_stands():
    assert stage_of({"status": "active", "urgency": None}) == "Wacht op urgentiebesluit"
    assert stage_of({"status": "active", "urgency": {"status": "granted"}}).startswith(
        "Urgentie toegekend")
    assert stage_of({"status": "housed", "urgency": {"status": "granted"}}) == "Gehuisvest"
