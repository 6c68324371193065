"""Dwellings through HTTP: a corporation's own stock, published when it changes."""

from __future__ import annotations

import pytest
from registry_helpers import (
    PROBLEM,
    dwelling_body,
    events_on,
    new_bag_id,
    outbox_count,
    put_dwelling,
    wait_for_relay,
)

from shared.contracts import topics

pytestmark = pytest.mark.kafka


def test_put_creates_then_replaces_and_publishes_each_change(registry, corporation,
                                                             kafka_bootstrap):
    bag_id = new_bag_id()
    created = registry.put(f"/v1/dwellings/{bag_id}", json=dwelling_body(), headers=corporation)
    assert created.status_code == 201, created.text
    assert created.json() == {"bagId": bag_id, "municipality": "GM0014",
                              "corporation": "lefier", "rooms": 3, "monthlyRent": 612.5,
                              "accessibility": "nultreden", "careSuitable": True,
                              "neighbourhood": "Selwerd"}
    same = registry.put(f"/v1/dwellings/{bag_id}", json=dwelling_body(), headers=corporation)
    assert same.status_code == 200
    changed = registry.put(f"/v1/dwellings/{bag_id}", headers=corporation,
                           json=dwelling_body(monthlyRent=640.0, accessibility="rolstoel",
                                              neighbourhood=None))
    assert changed.status_code == 200
    assert changed.json()["monthlyRent"] == 640.0

    wait_for_relay(registry)
    published = [m.event.dwelling for m in events_on(kafka_bootstrap, topics.DWELLINGS.name,
                                                     {bag_id})]
    assert [(d.monthly_rent, d.accessibility) for d in published] == [
        (612.5, "nultreden"), (640.0, "rolstoel")], "the unchanged PUT published nothing"
    assert published[-1].corporation == "lefier"
    assert published[-1].neighbourhood is None


def test_the_owner_reads_and_lists_its_dwellings(registry, corporation, other_corporation):
    mine = put_dwelling(registry, corporation)
    theirs = put_dwelling(registry, other_corporation, municipality="GM1966")

    assert registry.get(f"/v1/dwellings/{mine}", headers=corporation).json()["bagId"] == mine
    assert registry.get(f"/v1/dwellings/{theirs}", headers=corporation).status_code == 404
    assert registry.get(f"/v1/dwellings/{new_bag_id()}", headers=corporation).status_code == 404
    page = registry.get("/v1/dwellings", headers=corporation).json()
    assert [d["bagId"] for d in page["items"]] == [mine]
    assert page["total"] == 1
    filtered = registry.get("/v1/dwellings", params={"municipality": "GM1966"},
                            headers=other_corporation).json()
    assert [d["bagId"] for d in filtered["items"]] == [theirs]


def test_a_corporation_may_not_overwrite_another_corporations_dwelling(
        registry, corporation, other_corporation, kafka_bootstrap):
    bag_id = put_dwelling(registry, other_corporation)
    before = outbox_count(registry)

    response = registry.put(f"/v1/dwellings/{bag_id}", json=dwelling_body(rooms=5),
                            headers=corporation)

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    assert outbox_count(registry) == before
    stored = registry.get(f"/v1/dwellings/{bag_id}", headers=other_corporation).json()
    assert stored["rooms"] == 3 and stored["corporation"] == "nijestee"


@pytest.mark.parametrize("bag_id, overrides, field", [
    ("12345", {}, "bagId"),
    ("00140100110672AB", {}, "bagId"),
    (None, {"municipality": "GM9999"}, "municipality"),
    (None, {"municipality": "GM0106"}, "municipality"),  # Assen: in the region, out of scope
    (None, {"monthlyRent": -1}, "monthlyRent"),
    (None, {"accessibility": "lift"}, "accessibility"),
    (None, {"rooms": 0}, "rooms"),
    (None, {"garden": True}, "garden"),
    (None, {"careSuitable": "misschien"}, "careSuitable"),
])
def test_bad_dwellings_name_the_field_and_store_and_publish_nothing(
        registry, corporation, kafka_bootstrap, bag_id, overrides, field):
    bag_id = bag_id or new_bag_id()
    before = outbox_count(registry)

    response = registry.put(f"/v1/dwellings/{bag_id}", json=dwelling_body(**overrides),
                            headers=corporation)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert field in [p["name"] for p in response.json()["invalidParams"]]
    assert outbox_count(registry) == before
    assert registry.get(f"/v1/dwellings/{bag_id}", headers=corporation).status_code in (404, 422)
    wait_for_relay(registry)
    assert events_on(kafka_bootstrap, topics.DWELLINGS.name, {bag_id}) == []


def test_dwellings_need_json(registry, corporation):
    form = {"content-type": "application/x-www-form-urlencoded"}
    response = registry.put(f"/v1/dwellings/{new_bag_id()}", content="rooms=3",
                            headers=corporation | form)
    assert response.status_code == 415
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("method, path", [
    ("put", "/v1/dwellings/0014010011067299"), ("get", "/v1/dwellings/0014010011067299"),
    ("get", "/v1/dwellings"), ("post", "/v1/dwelling-imports"),
])
def test_dwelling_endpoints_need_a_token(registry, method, path):
    response = registry.request(method, path, json={} if method in ("put", "post") else None)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("method, path", [
    ("put", "/v1/dwellings/0014010011067299"), ("get", "/v1/dwellings/0014010011067299"),
    ("get", "/v1/dwellings"), ("post", "/v1/dwelling-imports"),
])
@pytest.mark.parametrize("role_fixture", ["admin", "province", "municipality", "care_provider"])
def test_only_corporations_touch_stock(registry, request, method, path, role_fixture):
    headers = request.getfixturevalue(role_fixture)
    body = dwelling_body() if method == "put" else None
    response = registry.request(method, path, json=body, headers=headers)
    assert response.status_code == 403
