"""Candidates through HTTP: every endpoint, role and foreign organisation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from intake_helpers import candidate_body, event_types, intake_events, wait_for_relay

from shared.contracts.periods import today_amsterdam

pytestmark = pytest.mark.kafka
PROBLEM = "application/problem+json"


def register(client, headers, **overrides):
    response = client.post("/v1/candidates", json=candidate_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_register_answers_with_an_opaque_id_and_the_masked_person(intake, provider,
                                                                  kafka_bootstrap):
    body = candidate_body()
    response = intake.post("/v1/candidates", json=body, headers=provider)

    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"/v1/candidates/{created['id']}"
    assert body["bsn"] not in created["id"] and len(created["id"]) == 36
    assert created["person"] == {"bsnMasked": "******" + body["bsn"][-3:],
                                 "name": body["name"], "birthYear": 1961,
                                 "yearlyIncome": 21500.0}
    assert created["status"] == "active"
    assert created["registeredBy"] == "Lentis"
    assert created["ageBand"] == "65+"  # 2026 - 1961
    assert created["incomeClass"] == "passend"
    assert created["needs"]["accessibility"] == "nultreden"
    wait_for_relay(intake)
    [message] = intake_events(kafka_bootstrap, {created["id"]})
    event = message.event
    assert event_types([message]) == ["candidate-registered"]
    assert event.profile.registered_by == "Lentis"
    assert event.profile.income_class == "passend"
    assert event.profile.excluded_municipalities == ["GM1895"]


def test_care_office_registers_too(intake, care_office):
    assert register(intake, care_office)["registeredBy"] == "Menzis"


@pytest.mark.parametrize("method, path", [
    ("post", "/v1/candidates"), ("get", "/v1/candidates"), ("get", "/v1/candidates/x"),
    ("patch", "/v1/candidates/x"), ("delete", "/v1/candidates/x"),
    ("post", "/v1/candidates/x/withdrawal"), ("post", "/v1/candidates/x/urgency-decisions"),
    ("post", "/v1/candidate-imports"),
])
def test_every_endpoint_needs_a_token(intake, method, path):
    response = intake.request(method, path, json={} if method in ("post", "patch") else None)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM


def test_an_unknown_token_is_refused(intake):
    response = intake.get("/v1/candidates", headers={"Authorization": "Bearer wr_nonsense"})
    assert response.status_code == 401


@pytest.mark.parametrize("method, path", [
    ("post", "/v1/candidates"), ("get", "/v1/candidates/{id}"), ("patch", "/v1/candidates/{id}"),
    ("delete", "/v1/candidates/{id}"), ("post", "/v1/candidates/{id}/withdrawal"),
    ("post", "/v1/candidate-imports"),
])
@pytest.mark.parametrize("role_fixture", ["municipality", "corporation"])
def test_other_roles_may_not_touch_candidates(intake, provider, request, method, path,
                                              role_fixture):
    candidate = register(intake, provider)
    headers = request.getfixturevalue(role_fixture)
    response = intake.request(method, path.format(id=candidate["id"]), headers=headers,
                              json=candidate_body() if method in ("post", "patch") else None)
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM


def test_corporations_cannot_list_candidates(intake, corporation):
    assert intake.get("/v1/candidates", headers=corporation).status_code == 403


@pytest.mark.parametrize("method, path, body", [
    ("get", "/v1/candidates/{id}", None),
    ("patch", "/v1/candidates/{id}", {"householdSize": 3}),
    ("post", "/v1/candidates/{id}/withdrawal", {"reason": "other"}),
    ("delete", "/v1/candidates/{id}", None),
])
def test_another_organisation_sees_nothing(intake, provider, other_provider, method, path,
                                           body):
    candidate = register(intake, provider)
    foreign = intake.request(method, path.format(id=candidate["id"]), headers=other_provider,
                             json=body)
    unknown = intake.request(method, path.format(id="no-such-candidate"),
                             headers=other_provider, json=body)
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json()["detail"] == unknown.json()["detail"]
    still = intake.get(f"/v1/candidates/{candidate['id']}", headers=provider).json()
    assert still["status"] == "active" and still["householdSize"] == 1


def test_every_read_of_personal_data_is_logged(intake, provider, other_provider):
    candidate = register(intake, provider)
    intake.get(f"/v1/candidates/{candidate['id']}", headers=provider)
    intake.get(f"/v1/candidates/{candidate['id']}", headers=provider)
    intake.get("/v1/candidates", headers=provider)
    intake.get(f"/v1/candidates/{candidate['id']}", headers=other_provider)  # 404: no read

    runtime = intake.app.state.runtime
    with runtime.uow() as uow:
        rows = uow.access_log.entries(candidate["id"])
        seen = [(r.org, r.role, r.action, r.endpoint, r.at) for r in rows]
    assert [entry[:3] for entry in seen] == [
        ("Lentis", "care-provider", "registered"),
        ("Lentis", "care-provider", "read"),
        ("Lentis", "care-provider", "read"),
        ("Lentis", "care-provider", "listed"),
    ]
    assert seen[1][3] == "GET /v1/candidates/{id}"
    assert all(entry[4].tzinfo is not None for entry in seen)


def test_list_shows_the_own_organisation_page_by_page(intake, provider, other_provider):
    ids = [register(intake, provider)["id"] for _ in range(3)]
    register(intake, other_provider)

    first = intake.get("/v1/candidates?pageSize=2", headers=provider).json()
    second = intake.get("/v1/candidates?pageSize=2&page=2", headers=provider).json()
    assert first["total"] == second["total"] == 3
    assert [c["id"] for c in first["items"] + second["items"]] == ids
    assert all(c["person"]["bsnMasked"].startswith("******") for c in first["items"])
    assert intake.get("/v1/candidates?pageSize=500", headers=provider).status_code == 422
    huge = intake.get("/v1/candidates?page=461168601842738792", headers=provider)
    assert huge.status_code == 422  # found by schemathesis: was an integer overflow (500)
    assert intake.get("/v1/candidates?status=withdrawn", headers=provider).json()["total"] == 0


def test_a_municipality_lists_its_candidates_without_personal_data(intake, provider,
                                                                   municipality):
    here = register(intake, provider)
    register(intake, provider, registrationMunicipality="GM1966")

    page = intake.get("/v1/candidates", headers=municipality).json()
    assert [c["id"] for c in page["items"]] == [here["id"]]
    assert page["items"][0]["person"] is None


def test_patch_changes_needs_and_household_and_emits_an_update(intake, provider,
                                                                kafka_bootstrap):
    candidate = register(intake, provider)
    response = intake.patch(
        f"/v1/candidates/{candidate['id']}", headers=provider,
        json={"householdSize": 2, "yearlyIncome": 40000, "regionBinding": None,
              "needs": {"accessibility": "rolstoel", "minRooms": 2}},
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["householdSize"] == 2
    assert changed["incomeClass"] == "daeb"  # 40,000 > 38,500 for two persons
    assert changed["regionBinding"] is None
    assert changed["needs"] == {"accessibility": "rolstoel", "minRooms": 2,
                                "ambulantSupport": False, "careProvider": None}
    assert changed["person"]["name"] == candidate["person"]["name"]

    # a name change alone is nothing other services see: no event
    renamed = intake.patch(f"/v1/candidates/{candidate['id']}", headers=provider,
                           json={"name": "J. Zonderland"}, )
    assert renamed.json()["person"]["name"] == "J. Zonderland"
    wait_for_relay(intake)
    messages = intake_events(kafka_bootstrap, {candidate["id"]})
    assert event_types(messages) == ["candidate-registered", "candidate-updated"]
    assert messages[1].event.profile.household_size == 2
    assert messages[1].event.profile.income_class == "daeb"


@pytest.mark.parametrize("patch, field", [
    ({"householdSize": None}, "householdSize"),
    ({"householdSize": 0}, "householdSize"),
    ({"yearlyIncome": -1}, "yearlyIncome"),
    ({"bsn": "111222333"}, "bsn"),
    ({"registrationMunicipality": "GM1966"}, "registrationMunicipality"),
    ({"preferredMunicipalities": ["GM9999"]}, "preferredMunicipalities[0]"),
    ({"excludedMunicipalities": ["GM0014"]}, "excludedMunicipalities"),
    ({"targetGroup": "studenten"}, "targetGroup"),
])
def test_patch_refuses_bad_changes(intake, provider, patch, field):
    candidate = register(intake, provider)
    response = intake.patch(f"/v1/candidates/{candidate['id']}", json=patch, headers=provider)
    assert response.status_code == 422
    assert field in [p["name"] for p in response.json()["invalidParams"]]
    unchanged = intake.get(f"/v1/candidates/{candidate['id']}", headers=provider).json()
    assert unchanged == candidate


def test_withdrawal_then_erasure(intake, provider, kafka_bootstrap):
    candidate = register(intake, provider)
    url = f"/v1/candidates/{candidate['id']}"

    early = intake.delete(url, headers=provider)
    assert early.status_code == 409 and early.json()["code"] == "still-active"

    withdrawn = intake.post(f"{url}/withdrawal", json={"reason": "moved-away"}, headers=provider)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert intake.post(f"{url}/withdrawal", headers=provider).status_code == 409
    assert intake.patch(url, json={"householdSize": 2}, headers=provider).status_code == 409

    assert intake.delete(url, headers=provider).status_code == 204
    erased = intake.get(url, headers=provider).json()
    assert erased["status"] == "erased"
    assert erased["person"] is None
    assert erased["targetGroup"] == "beschermd-wonen"  # the pseudonymous history stays
    assert intake.delete(url, headers=provider).status_code == 204  # idempotent

    wait_for_relay(intake)
    messages = intake_events(kafka_bootstrap, {candidate["id"]})
    assert event_types(messages) == ["candidate-registered", "candidate-withdrawn",
                                     "candidate-erased"]
    assert messages[1].event.reason == "moved-away"


def test_withdrawal_needs_no_body_but_refuses_free_text(intake, provider):
    candidate = register(intake, provider)
    url = f"/v1/candidates/{candidate['id']}/withdrawal"
    bad = intake.post(url, json={"reason": "verhuisd naar zijn moeder in Assen"},
                      headers=provider)
    assert bad.status_code == 422 and bad.json()["invalidParams"][0]["name"] == "reason"
    response = intake.post(url, headers=provider)
    assert response.status_code == 200
    assert response.json()["withdrawalReason"] is None


def test_an_erased_person_can_be_registered_again_as_a_new_candidate(intake, provider):
    body = candidate_body()
    first = intake.post("/v1/candidates", json=body, headers=provider).json()
    intake.post(f"/v1/candidates/{first['id']}/withdrawal", headers=provider)
    intake.delete(f"/v1/candidates/{first['id']}", headers=provider)
    again = intake.post("/v1/candidates", json=body, headers=provider)
    assert again.status_code == 201
    assert again.json()["id"] != first["id"]


def test_openapi_documents_the_endpoints(intake):
    spec = intake.get("/v1/openapi.json").json()
    spec["paths"] = {spec["servers"][0]["url"] + path: item  # "/v1" + the relative path
                     for path, item in spec["paths"].items()}
    assert {"/v1/candidates", "/v1/candidates/{candidate_id}",
            "/v1/candidates/{candidate_id}/withdrawal",
            "/v1/candidates/{candidate_id}/urgency-decisions",
            "/v1/candidate-imports"} <= set(spec["paths"])
    assert "text/csv" in spec["paths"]["/v1/candidate-imports"]["post"]["requestBody"]["content"]


def test_a_registration_recorded_afterwards_carries_its_own_date(intake, provider,
                                                                 kafka_bootstrap):
    registered_on = today_amsterdam() - timedelta(days=120)
    created = register(intake, provider, registeredOn=registered_on.isoformat())

    assert created["registeredOn"] == registered_on.isoformat()
    assert intake.get(f"/v1/candidates/{created['id']}", headers=provider).json()[
        "registeredOn"] == registered_on.isoformat()
    wait_for_relay(intake)
    [message] = intake_events(kafka_bootstrap, {created["id"]})
    assert message.event.registered_on == registered_on  # monitoring buckets by this date


def test_a_registration_without_a_date_is_dated_today(intake, provider):
    assert register(intake, provider)["registeredOn"] == today_amsterdam().isoformat()


@pytest.mark.parametrize("registered_on", ["tomorrow", "in-732-days-back", "2026-02-30"])
def test_a_registration_date_in_the_future_long_ago_or_invalid_is_refused(
        intake, provider, registered_on):
    today = today_amsterdam()
    value = {"tomorrow": (today + timedelta(days=1)).isoformat(),
             "in-732-days-back": (today - timedelta(days=732)).isoformat()}.get(
                 registered_on, registered_on)
    response = intake.post("/v1/candidates", json=candidate_body(registeredOn=value),
                           headers=provider)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "registeredOn" in [p["name"] for p in response.json()["invalidParams"]]
