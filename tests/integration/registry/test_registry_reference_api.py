"""Reference data through HTTP: seeded on first start, published once, changed by the admin."""

from __future__ import annotations

import json

import pytest
from registry_helpers import (
    PROBLEM,
    event_name,
    events_on,
    outbox_count,
    outbox_event_ids,
    wait_for_relay,
)

from services.registry.domain.reference import REFERENCE_DATA_PATH
from shared.contracts import topics

pytestmark = pytest.mark.kafka
CODES = {"GM0014", "GM1969", "GM1952", "GM1966", "GM1979", "GM1895", "GM0037", "GM0047",
         "GM1950", "GM0765"}


def test_first_start_stores_and_publishes_the_ten_municipalities(registry, municipality,
                                                                 kafka_bootstrap):
    response = registry.get("/v1/municipalities", headers=municipality)

    assert response.status_code == 200
    listed = response.json()
    assert {m["code"] for m in listed} == CODES
    groningen = next(m for m in listed if m["code"] == "GM0014")
    assert groningen == {"code": "GM0014", "name": "Groningen", "region": "groningen-assen",
                         "province": "PV20", "population": 244441,
                         "careProviders": groningen["careProviders"]}
    assert groningen["careProviders"], "care coverage comes from the reference data"
    wait_for_relay(registry)
    mine = outbox_event_ids(registry)
    published = [m for m in events_on(kafka_bootstrap, topics.MUNICIPALITIES.name, CODES)
                 if m.received.id in mine]
    assert len(published) == 10
    assert {m.event.code for m in published} == CODES
    by_code = {m.event.code: m.event for m in published}
    assert by_code["GM0765"].population == 12459
    assert by_code["GM0765"].region == "oost-groningen"
    assert all(event_name(m) == "municipality-upserted" for m in published)


def test_a_restart_publishes_nothing_new_and_keeps_the_admins_changes(
        service_app, admin, municipality, tmp_path):
    database = f"sqlite:///{tmp_path / 'restart.db'}"
    first = service_app("registry", database_url=database)
    changed = first.put("/v1/municipalities/GM0765", headers=admin,
                        json={"region": "oost-groningen", "population": 12500,
                              "careProviders": []})
    assert changed.status_code == 200
    rows = outbox_count(first)
    assert rows == 11

    second = service_app("registry", database_url=database)

    assert outbox_count(second) == rows
    pekela = second.get("/v1/municipalities/GM0765", headers=municipality).json()
    assert pekela["population"] == 12500


def test_a_changed_reference_file_is_applied_and_published_for_what_changed(
        service_app, municipality, tmp_path):
    database = f"sqlite:///{tmp_path / 'reference.db'}"
    first = service_app("registry", database_url=database)
    before = outbox_count(first)
    document = json.loads(REFERENCE_DATA_PATH.read_text(encoding="utf-8"))
    for item in document["municipalities"]:
        if item["code"] == "GM0047":
            item["population"] = 27700
    changed_file = tmp_path / "reference.json"
    changed_file.write_text(json.dumps(document), encoding="utf-8")

    second = service_app("registry", database_url=database, reference_data_path=changed_file)

    assert outbox_count(second) == before + 1
    veendam = second.get("/v1/municipalities/GM0047", headers=municipality).json()
    assert veendam["population"] == 27700


def test_the_admin_changes_population_region_and_care_providers(registry, admin, province,
                                                                kafka_bootstrap):
    body = {"region": "oost-groningen", "population": 44800,
            "careProviders": ["Lentis", "Cosis", "Lentis"]}
    response = registry.put("/v1/municipalities/GM1979", json=body, headers=admin)

    assert response.status_code == 200, response.text
    assert response.json() == {"code": "GM1979", "name": "Eemsdelta",
                               "region": "oost-groningen", "province": "PV20",
                               "population": 44800, "careProviders": ["Cosis", "Lentis"]}
    before = outbox_count(registry)
    again = registry.put("/v1/municipalities/GM1979", json=body, headers=admin)
    assert again.status_code == 200
    assert outbox_count(registry) == before, "an unchanged PUT publishes nothing"
    wait_for_relay(registry)
    mine = outbox_event_ids(registry)
    [event] = [m.event for m in events_on(kafka_bootstrap, topics.MUNICIPALITIES.name,
                                          {"GM1979"})
               if m.received.id in mine and m.event.population == 44800]
    assert event.region == "oost-groningen"
    assert event.care_providers == ["Cosis", "Lentis"]
    # the region's membership follows: the scope of a regional agreement changes with it
    regions = {r["id"]: r for r in registry.get("/v1/regions", headers=province).json()}
    assert "GM1979" in regions["oost-groningen"]["municipalities"]
    assert regions["eemsdelta"]["municipalities"] == []


@pytest.mark.parametrize("body, field", [
    ({"region": "drenthe-noord", "population": 1, "careProviders": []}, "region"),
    ({"region": "eemsdelta", "population": -1, "careProviders": []}, "population"),
    ({"region": "eemsdelta", "population": 1, "inhabitants": 3}, "inhabitants"),
    ({"population": 1}, "region"),
])
def test_bad_municipality_changes_name_the_field_and_change_nothing(registry, admin, body,
                                                                   field):
    before = outbox_count(registry)
    response = registry.put("/v1/municipalities/GM1979", json=body, headers=admin)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert field in [p["name"] for p in response.json()["invalidParams"]]
    assert outbox_count(registry) == before
    assert registry.get("/v1/municipalities/GM1979", headers=admin).json()["population"] == 44795


def test_unknown_and_malformed_municipality_codes(registry, admin):
    body = {"region": "eemsdelta", "population": 1, "careProviders": []}
    assert registry.put("/v1/municipalities/GM9999", json=body, headers=admin).status_code == 404
    malformed = registry.put("/v1/municipalities/Groningen", json=body, headers=admin)
    assert malformed.status_code == 422
    assert malformed.json()["invalidParams"][0]["name"] == "code"
    assert registry.get("/v1/municipalities/GM9999", headers=admin).status_code == 404


def test_municipality_changes_need_json(registry, admin):
    response = registry.put("/v1/municipalities/GM1979", content="population=1",
                            headers=admin | {"content-type": "text/plain"})
    assert response.status_code == 415


@pytest.mark.parametrize("role_fixture", ["corporation", "province", "municipality",
                                          "care_provider"])
def test_only_the_admin_changes_municipalities(registry, request, role_fixture):
    headers = request.getfixturevalue(role_fixture)
    response = registry.put("/v1/municipalities/GM1979", headers=headers,
                            json={"region": "eemsdelta", "population": 1, "careProviders": []})
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("path", ["/v1/municipalities", "/v1/municipalities/GM0014",
                                  "/v1/regions", "/v1/corporations"])
def test_reference_reads_need_a_token_of_any_role(registry, care_provider, path):
    assert registry.get(path).status_code == 401
    assert registry.get(path, headers={"Authorization": "Bearer wr_nonsense"}).status_code == 401
    assert registry.get(path, headers=care_provider).status_code == 200


def test_corporations_and_regions(registry, corporation):
    corporations = registry.get("/v1/corporations", headers=corporation).json()
    assert {"id": "lefier", "name": "Lefier"} in corporations
    assert len(corporations) == 10
    regions = {r["id"]: r for r in registry.get("/v1/regions", headers=corporation).json()}
    assert set(regions) == {"groningen-assen", "eemsdelta", "oost-groningen"}
    assert regions["groningen-assen"]["provinces"] == ["PV20", "PV22"]
    assert set(regions["groningen-assen"]["municipalities"]) == {"GM0014", "GM1969", "GM1952",
                                                                "GM1966"}


def test_filter_municipalities_by_region(registry, corporation):
    listed = registry.get("/v1/municipalities", params={"region": "eemsdelta"},
                          headers=corporation).json()
    assert [m["code"] for m in listed] == ["GM1979"]


def test_openapi_describes_every_registry_endpoint(registry):
    document = registry.get("/v1/openapi.json").json()
    document["paths"] = {"/v1" + path: item for path, item in document["paths"].items()}
    assert document["servers"][0]["url"] == "/v1"  # the paths are relative to it
    assert {"/v1/municipalities/{code}", "/v1/dwellings/{bagId}", "/v1/dwelling-imports",
            "/v1/vacancies/{id}/lettings", "/v1/agreements/{scope}/{period}/targets",
            } <= set(document["paths"])
    letting = document["components"]["schemas"]["LettingIn"]
    assert set(letting["properties"]) == {"tenantType", "date"}
