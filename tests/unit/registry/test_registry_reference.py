"""Reference data: the 10 municipalities of Groningen, regions, corporations, care providers."""

from __future__ import annotations

import copy
import json

import pytest

from services.registry.domain.reference import (
    REFERENCE_DATA_PATH,
    ReferenceDataError,
    UnknownScopeError,
    default_reference_data,
    load_reference_data,
    parse_reference_data,
)
from shared.contracts.events import MunicipalityUpserted

EXPECTED = {
    "GM0014": ("Groningen", 244441, "groningen-assen"),
    "GM1969": ("Westerkwartier", 64841, "groningen-assen"),
    "GM1952": ("Midden-Groningen", 61387, "groningen-assen"),
    "GM1966": ("Het Hogeland", 48178, "groningen-assen"),
    "GM1979": ("Eemsdelta", 44795, "eemsdelta"),
    "GM1895": ("Oldambt", 39586, "oost-groningen"),
    "GM0037": ("Stadskanaal", 32038, "oost-groningen"),
    "GM0047": ("Veendam", 27687, "oost-groningen"),
    "GM1950": ("Westerwolde", 27421, "oost-groningen"),
    "GM0765": ("Pekela", 12459, "oost-groningen"),
}


@pytest.fixture
def raw() -> dict:
    return json.loads(REFERENCE_DATA_PATH.read_text(encoding="utf-8"))


def test_the_ten_municipalities_with_population_and_region():
    ref = default_reference_data()
    assert {m.code: (m.name, m.population, m.region) for m in ref.municipalities} == EXPECTED
    assert sum(m.population for m in ref.municipalities) == 602_833
    assert all(m.province == "PV20" for m in ref.municipalities)


def test_province_and_regions():
    ref = default_reference_data()
    assert ref.province("province").id == "PV20"
    assert ref.province("PV20").scope == "province"
    assert {r.id: r.name for r in ref.regions} == {
        "groningen-assen": "Groningen-Assen", "eemsdelta": "Eemsdelta",
        "oost-groningen": "Oost-Groningen"}
    ga = ref.region("groningen-assen")
    assert ga.crosses_provinces and set(ga.provinces) == {"PV20", "PV22"}
    assert {m.name for m in ga.members_outside_scope} == {
        "Assen", "Tynaarlo", "Noordenveld", "Aa en Hunze"}


def test_scopes_resolve_to_municipalities():
    ref = default_reference_data()
    assert len(ref.municipalities_in_scope("province")) == 10
    assert len(ref.municipalities_in_scope("PV20")) == 10
    assert {m.code for m in ref.municipalities_in_scope("groningen-assen")} == {
        "GM0014", "GM1969", "GM1952", "GM1966"}
    assert [m.code for m in ref.municipalities_in_scope("eemsdelta")] == ["GM1979"]
    assert len(ref.municipalities_in_scope("oost-groningen")) == 5
    assert [m.code for m in ref.municipalities_in_scope("GM0765")] == ["GM0765"]
    assert ref.is_scope("oost-groningen") and not ref.is_scope("drenthe")
    with pytest.raises(UnknownScopeError):
        ref.municipalities_in_scope("GM0106")  # Assen: in the region, outside the scope


def test_corporations_have_slug_ids():
    ref = default_reference_data()
    assert [c.name for c in ref.corporations] == [
        "Lefier", "Nijestee", "De Huismeesters", "Patrimonium", "Wierden en Borgen", "Woonborg",
        "Acantus", "Groninger Huis", "Goud Wonen", "Woonzorg Nederland"]
    assert ref.corporation("wierden-en-borgen").name == "Wierden en Borgen"
    for c in ref.corporations:
        assert c.id == c.id.lower() and " " not in c.id


def test_every_municipality_has_a_demo_care_provider():
    ref = default_reference_data()
    for m in ref.municipalities:
        assert ref.care_providers_for(m.code), m.code
    assert all(p.demo for p in ref.care_providers)


def test_municipality_upserted_data_fits_the_event_contract():
    ref = default_reference_data()
    for code in ref.municipality_codes():
        event = MunicipalityUpserted.model_validate(ref.municipality_upserted_data(code))
        assert event.key() == code


def test_load_from_path_equals_default(tmp_path, raw):
    path = tmp_path / "ref.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert load_reference_data(path) == default_reference_data()


@pytest.mark.parametrize(
    "mutate, field",
    [
        (lambda d: d["municipalities"][0].update(code="G0014"), "municipalities[0].code"),
        (lambda d: d["municipalities"][1].update(region="noord"), "municipalities[1].region"),
        (lambda d: d["municipalities"][2].update(population=-1), "municipalities[2].population"),
        (lambda d: d["municipalities"][2].update(population="12"), "municipalities[2].population"),
        (lambda d: d["municipalities"][3].pop("name"), "municipalities[3].name"),
        (lambda d: d["municipalities"].append(dict(d["municipalities"][0])), "municipalities"),
        (lambda d: d["careProviders"][0]["municipalities"].append("GM9999"),
         "careProviders[0].municipalities"),
        (lambda d: d["regions"][1].update(provinces=["PV22"]), "municipalities[4].province"),
    ],
)
def test_malformed_reference_data_names_the_field(raw, mutate, field):
    data = copy.deepcopy(raw)
    mutate(data)
    with pytest.raises(ReferenceDataError) as info:
        parse_reference_data(data)
    assert info.value.field == field


def test_invalid_json_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ReferenceDataError):
        load_reference_data(path)
