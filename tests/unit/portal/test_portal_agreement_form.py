"""The agreement editor's form logic without I/O: prefill, reading, the terms it keeps."""

from __future__ import annotations

from services.portal.api.agreement_form import full_terms, prefilled, read_editor
from services.portal.api.forms import FormReader
from services.portal.service.province import compared

SCOPES = {"province": "Hele provincie", "oost-groningen": "Oost-Groningen"}
IN_FORCE = {"urgentShare": 0.27, "capShare": 0.5, "stapelingThreshold": 1.5,
            "keyWeights": {"population": 0.6, "socialStock": 0.4, "lettings": 0.0},
            "expectedLettings": 1000, "expectedLettingsSource": "given",
            "carryOver": {"GM0014": 3},
            "categories": [{"category": "mantelzorg", "validityDays": 90,
                            "lapseAfterRefusals": None, "lapseAfterUnanswered": 2}]}
FORM = {"gebied": "province", "periode": "2026-H1", "aandeel_urgent": "0,3",
        "gewicht_inwoners": "1", "gewicht_voorraad": "0", "gewicht_verhuringen": "0",
        "plafond": "0.4"}


def test_the_form_is_prefilled_from_the_agreement_in_force_or_left_empty():
    values = prefilled(IN_FORCE, "province", "2026")
    assert values["aandeel_urgent"] == "0.27" and values["gewicht_voorraad"] == "0.4"
    assert values["plafond"] == "0.5" and values["gewicht_verhuringen"] == "0"
    assert prefilled(None, "oost-groningen", "2027") == {"gebied": "oost-groningen",
                                                         "periode": "2027"}


def test_reading_takes_dutch_decimals_and_names_each_bad_field():
    reader = FormReader(FORM)
    assert read_editor(reader, SCOPES) == ("province", "2026-H1", {
        "urgentShare": 0.3, "capShare": 0.4,
        "keyWeights": {"population": 1, "socialStock": 0, "lettings": 0}})
    assert reader.ok

    bad = FormReader({**FORM, "gebied": "elders", "periode": "2026-Q1", "plafond": "2"})
    read_editor(bad, SCOPES)
    assert set(bad.errors) == {"gebied", "periode", "plafond"}


def test_other_terms_are_kept_and_carry_over_only_from_the_same_agreement():
    edited = {"urgentShare": 0.3, "capShare": 0.4, "keyWeights": {"population": 1.0}}
    same = full_terms(edited, IN_FORCE, same_agreement=True)
    assert same["categories"] == [{"category": "mantelzorg", "validityDays": 90,
                                   "lapseAfterUnanswered": 2}]
    assert same["carryOver"] == {"GM0014": 3} and same["expectedLettings"] == 1000
    assert same["stapelingThreshold"] == 1.5 and same["urgentShare"] == 0.3
    other = full_terms(edited, IN_FORCE, same_agreement=False)
    assert "carryOver" not in other and "expectedLettings" not in other
    derived = full_terms(edited, {**IN_FORCE, "expectedLettingsSource": "derived"}, True)
    assert "expectedLettings" not in derived


def test_the_comparison_puts_each_preview_beside_the_current_target():
    current = {"targets": [{"municipality": "GM0014", "target": 10}]}
    preview = {"targets": [{"municipality": "GM0014", "name": "Groningen", "target": 12},
                           {"municipality": "GM1969", "name": "", "target": 4}]}
    assert compared(current, preview) == [
        {"municipality": "GM0014", "name": "Groningen", "current": 10, "preview": 12,
         "difference": 2},
        {"municipality": "GM1969", "name": "GM1969", "current": None, "preview": 4,
         "difference": None}]
