"""Vacancies through HTTP: announce, withdraw, let; the state machine and who may do what."""

from __future__ import annotations

from datetime import date

import pytest
from registry_helpers import (
    PROBLEM,
    announce,
    event_name,
    events_on,
    in_days,
    new_bag_id,
    outbox_count,
    put_dwelling,
    wait_for_relay,
)

from shared.contracts import topics

pytestmark = pytest.mark.kafka


def test_announce_answers_201_with_location_and_publishes_the_dwelling_facts(
        registry, corporation, kafka_bootstrap):
    bag_id = put_dwelling(registry, corporation, rooms=2, accessibility="rolstoel")

    response = registry.post("/v1/vacancies", json={"bagId": bag_id,
                                                    "availableFrom": in_days(21)},
                             headers=corporation)

    assert response.status_code == 201, response.text
    vacancy = response.json()
    assert response.headers["location"] == f"/v1/vacancies/{vacancy['id']}"
    assert vacancy["status"] == "open" and vacancy["source"] == "api"
    assert vacancy["bagId"] == bag_id and vacancy["municipality"] == "GM0014"
    assert vacancy["availableFrom"] == in_days(21)
    assert registry.get(response.headers["location"], headers=corporation).json() == vacancy
    wait_for_relay(registry)
    [message] = events_on(kafka_bootstrap, topics.VACANCIES.name, {bag_id})
    assert event_name(message) == "vacancy-announced"
    event = message.event
    assert event.vacancy_id == vacancy["id"]
    assert event.available_from == date.fromisoformat(in_days(21))
    assert event.dwelling.rooms == 2 and event.dwelling.accessibility == "rolstoel"
    assert event.dwelling.corporation == "lefier"


def test_withdraw_and_let_publish_and_close_the_vacancy(registry, corporation,
                                                        kafka_bootstrap):
    withdrawn_bag = put_dwelling(registry, corporation)
    let_bag = put_dwelling(registry, corporation)
    to_withdraw, to_let = announce(registry, corporation, withdrawn_bag), announce(
        registry, corporation, let_bag)

    withdrawn = registry.delete(f"/v1/vacancies/{to_withdraw['id']}", headers=corporation)
    letting = registry.post(f"/v1/vacancies/{to_let['id']}/lettings", headers=corporation,
                            json={"tenantType": "urgent", "date": in_days(-2)})

    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert letting.status_code == 201, letting.text
    assert letting.headers["location"] == f"/v1/vacancies/{to_let['id']}"
    assert letting.json()["status"] == "let"
    assert letting.json()["letting"] == {"tenantType": "urgent", "date": in_days(-2)}
    wait_for_relay(registry)
    messages = events_on(kafka_bootstrap, topics.VACANCIES.name, {withdrawn_bag, let_bag})
    assert [(m.key, event_name(m)) for m in messages if m.key == withdrawn_bag] == [
        (withdrawn_bag, "vacancy-announced"), (withdrawn_bag, "vacancy-withdrawn")]
    let_event = [m.event for m in messages if event_name(m) == "vacancy-let"]
    assert len(let_event) == 1
    assert let_event[0].tenant_type == "urgent" and let_event[0].vacancy_id == to_let["id"]
    assert let_event[0].let_on == date.fromisoformat(in_days(-2))
    assert let_event[0].municipality == "GM0014"


def test_a_closed_vacancy_can_change_no_more(registry, corporation):
    vacancy = announce(registry, corporation, put_dwelling(registry, corporation))
    path = f"/v1/vacancies/{vacancy['id']}"
    assert registry.post(f"{path}/lettings", json={"tenantType": "regular",
                                                   "date": in_days(0)},
                         headers=corporation).status_code == 201
    before = outbox_count(registry)

    again = registry.post(f"{path}/lettings", json={"tenantType": "regular",
                                                    "date": in_days(0)}, headers=corporation)
    withdraw = registry.delete(path, headers=corporation)

    assert again.status_code == 409 and withdraw.status_code == 409
    assert again.headers["content-type"] == PROBLEM
    assert withdraw.json()["code"] == "invalid-transition"
    assert outbox_count(registry) == before


def test_one_open_vacancy_per_dwelling_then_a_new_one_after_closing(registry, corporation):
    bag_id = put_dwelling(registry, corporation)
    first = announce(registry, corporation, bag_id)

    second = registry.post("/v1/vacancies", json={"bagId": bag_id, "availableFrom": in_days(30)},
                           headers=corporation)
    assert second.status_code == 409
    assert second.json()["existingId"] == first["id"]

    registry.delete(f"/v1/vacancies/{first['id']}", headers=corporation)
    assert announce(registry, corporation, bag_id)["id"] != first["id"]


def test_list_own_vacancies_filtered_by_status(registry, corporation, other_corporation):
    open_one = announce(registry, corporation, put_dwelling(registry, corporation))
    closed = announce(registry, corporation, put_dwelling(registry, corporation))
    registry.delete(f"/v1/vacancies/{closed['id']}", headers=corporation)
    announce(registry, other_corporation, put_dwelling(registry, other_corporation))

    everything = registry.get("/v1/vacancies", headers=corporation).json()
    only_open = registry.get("/v1/vacancies", params={"status": "open"}, headers=corporation)
    withdrawn = registry.get("/v1/vacancies", params={"status": "withdrawn"},
                             headers=corporation).json()

    assert everything["total"] == 2
    assert {v["id"] for v in everything["items"]} == {open_one["id"], closed["id"]}
    assert [v["id"] for v in only_open.json()["items"]] == [open_one["id"]]
    assert [v["id"] for v in withdrawn["items"]] == [closed["id"]]
    bad = registry.get("/v1/vacancies", params={"status": "vacant"}, headers=corporation)
    assert bad.status_code == 422


def test_another_corporations_vacancy_is_not_found(registry, corporation, other_corporation):
    theirs = announce(registry, other_corporation, put_dwelling(registry, other_corporation))
    path = f"/v1/vacancies/{theirs['id']}"
    before = outbox_count(registry)

    assert registry.get(path, headers=corporation).status_code == 404
    assert registry.delete(path, headers=corporation).status_code == 404
    assert registry.post(f"{path}/lettings", json={"tenantType": "regular",
                                                   "date": in_days(0)},
                         headers=corporation).status_code == 404
    assert registry.get("/v1/vacancies/no-such-id", headers=corporation).status_code == 404
    assert outbox_count(registry) == before
    assert registry.get(path, headers=other_corporation).json()["status"] == "open"


@pytest.mark.parametrize("dwelling_of", ["nobody", "other_corporation", "malformed"])
def test_a_vacancy_for_an_unknown_or_foreign_dwelling_names_bag_id(
        registry, corporation, other_corporation, kafka_bootstrap, dwelling_of):
    if dwelling_of == "other_corporation":
        bag_id = put_dwelling(registry, other_corporation)
    else:
        bag_id = new_bag_id() if dwelling_of == "nobody" else "0014-01-0011"
    before = outbox_count(registry)

    response = registry.post("/v1/vacancies", json={"bagId": bag_id,
                                                    "availableFrom": in_days(7)},
                             headers=corporation)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert [p["name"] for p in response.json()["invalidParams"]] == ["bagId"]
    assert outbox_count(registry) == before
    wait_for_relay(registry)
    assert [m for m in events_on(kafka_bootstrap, topics.VACANCIES.name, {bag_id})] == []


@pytest.mark.parametrize("body, field", [
    ({"availableFrom": "2031-01-01"}, "availableFrom"),
    ({"availableFrom": "1999-12-31"}, "availableFrom"),
    ({"availableFrom": "soon"}, "availableFrom"),
    ({"availableFrom": None}, "availableFrom"),
    ({"rent": 500}, "rent"),
])
def test_bad_vacancies_name_the_field_and_store_nothing(registry, corporation, body, field):
    bag_id = put_dwelling(registry, corporation)
    before = outbox_count(registry)

    response = registry.post("/v1/vacancies", headers=corporation,
                             json={"bagId": bag_id, "availableFrom": in_days(7)} | body)

    assert response.status_code == 422
    assert field in [p["name"] for p in response.json()["invalidParams"]]
    assert outbox_count(registry) == before
    assert registry.get("/v1/vacancies", headers=corporation).json()["total"] == 0


@pytest.mark.parametrize("body, field", [
    ({"tenantType": "urgent", "date": "2020-01-01"}, "date"),
    ({"tenantType": "priority", "date": "2026-01-01"}, "tenantType"),
    ({"tenantType": "urgent"}, "date"),
    ({"tenantType": "urgent", "date": "2026-01-01", "candidate": "x"}, "candidate"),
])
def test_bad_lettings_name_the_field_and_leave_the_vacancy_open(registry, corporation, body,
                                                                 field):
    vacancy = announce(registry, corporation, put_dwelling(registry, corporation))
    before = outbox_count(registry)

    response = registry.post(f"/v1/vacancies/{vacancy['id']}/lettings", json=body,
                             headers=corporation)

    assert response.status_code == 422
    assert field in [p["name"] for p in response.json()["invalidParams"]]
    assert outbox_count(registry) == before
    assert registry.get(f"/v1/vacancies/{vacancy['id']}",
                        headers=corporation).json()["status"] == "open"


def test_vacancies_need_json(registry, corporation):
    response = registry.post("/v1/vacancies", content="<vacancy/>",
                             headers=corporation | {"content-type": "application/xml"})
    assert response.status_code == 415


@pytest.mark.parametrize("method, path", [
    ("post", "/v1/vacancies"), ("get", "/v1/vacancies"), ("get", "/v1/vacancies/x"),
    ("delete", "/v1/vacancies/x"), ("post", "/v1/vacancies/x/lettings"),
])
def test_vacancy_endpoints_need_a_token(registry, method, path):
    response = registry.request(method, path, json={} if method == "post" else None)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("method, path", [
    ("post", "/v1/vacancies"), ("get", "/v1/vacancies"), ("get", "/v1/vacancies/x"),
    ("delete", "/v1/vacancies/x"), ("post", "/v1/vacancies/x/lettings"),
])
@pytest.mark.parametrize("role_fixture", ["admin", "province", "municipality", "care_provider"])
def test_only_corporations_touch_vacancies(registry, request, method, path, role_fixture):
    headers = request.getfixturevalue(role_fixture)
    response = registry.request(method, path, headers=headers,
                                json={} if method == "post" else None)
    assert response.status_code == 403


@pytest.mark.parametrize("path, params", [
    ("/v1/vacancies", {"page": 10**19}), ("/v1/dwellings", {"page": 10**12}),
    ("/v1/vacancies", {"pageSize": 0}),
])
def test_out_of_range_paging_is_bad_input_not_a_crash(registry, corporation, path, params):
    response = registry.get(path, params=params, headers=corporation)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
