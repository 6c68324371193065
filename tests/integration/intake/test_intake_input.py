"""Bad input, idempotency, duplicate persons, CSV import: clear problems, nothing stored."""

from __future__ import annotations

import json

import pytest
from intake_helpers import candidate_body, intake_events, wait_for_relay
from sqlalchemy import func, select

from services.intake.adapters.tables import CandidateRow
from services.intake.domain.bsn import fake_bsn

pytestmark = pytest.mark.kafka


def stored_state(client) -> tuple[int, int]:
    """(candidates, outbox rows) in the app's database."""
    runtime = client.app.state.runtime
    with runtime.uow() as uow:
        candidates = uow.session.scalar(select(func.count()).select_from(CandidateRow))
        outbox = uow.session.scalar(select(func.count()).select_from(runtime.infra.outbox))
    return candidates, outbox


@pytest.mark.parametrize("overrides, field", [
    ({"bsn": "123456789"}, "bsn"),            # fails the elfproef
    ({"bsn": "000000000"}, "bsn"),
    ({"bsn": "12345678"}, "bsn"),
    ({"bsn": 111222333}, "bsn"),              # a number loses leading zeros: must be a string
    ({"targetGroup": "studenten"}, "targetGroup"),
    ({"registrationMunicipality": "GM0363"}, "registrationMunicipality"),  # Amsterdam
    ({"registrationMunicipality": "Groningen"}, "registrationMunicipality"),
    ({"preferredMunicipalities": ["GM0014", "GM0106"]}, "preferredMunicipalities[1]"),
    ({"regionBinding": "randstad"}, "regionBinding"),
    ({"householdSize": 0}, "householdSize"),
    ({"yearlyIncome": -1}, "yearlyIncome"),
    ({"birthYear": 2020}, "birthYear"),
    ({"availableFrom": "next week"}, "availableFrom"),
    ({"needs": {"accessibility": "lift"}}, "needs.accessibility"),
    ({"needs": {"minRooms": 0}}, "needs.minRooms"),
    ({"needs": {"wheelchair": True}}, "needs.wheelchair"),
    ({"telephone": "0612345678"}, "telephone"),
])
def test_bad_input_names_the_field_and_stores_nothing(intake, provider, overrides, field):
    response = intake.post("/v1/candidates", json=candidate_body(**overrides), headers=provider)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [p["name"] for p in response.json()["invalidParams"]]
    assert stored_state(intake) == (0, 0)


def test_missing_fields_are_named(intake, provider):
    response = intake.post("/v1/candidates", json={"bsn": fake_bsn()}, headers=provider)
    assert response.status_code == 422
    names = {p["name"] for p in response.json()["invalidParams"]}
    assert {"householdSize", "yearlyIncome", "targetGroup", "registrationMunicipality"} <= names


def test_a_refused_bsn_is_not_echoed(intake, provider):
    response = intake.post("/v1/candidates", json=candidate_body(bsn="123456789"),
                           headers=provider)
    assert "123456789" not in response.text


def test_wrong_content_type_is_415(intake, provider):
    response = intake.post("/v1/candidates", content="bsn=111222333",
                           headers=provider | {"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    assert stored_state(intake) == (0, 0)


def test_a_body_over_the_size_limit_is_413(service_app, provider):
    intake = service_app("intake", max_body_bytes=2_000)
    body = candidate_body(name="x" * 150)
    body["needs"]["careProvider"] = "y" * 90
    huge = dict(body, preferredMunicipalities=["GM0014"] * 400)
    response = intake.post("/v1/candidates", json=huge, headers=provider)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert stored_state(intake) == (0, 0)


def test_a_chunked_body_over_the_size_limit_is_413_not_400(service_app, provider):
    """A body sent chunked has no Content-Length: the limit counts what arrives."""
    intake = service_app("intake", max_body_bytes=2_000)
    body = candidate_body(preferredMunicipalities=["GM0014"] * 400)
    encoded = json.dumps(body).encode()

    def chunks():
        for start in range(0, len(encoded), 500):
            yield encoded[start:start + 500]

    response = intake.post("/v1/candidates", content=chunks(),
                           headers=provider | {"Content-Type": "application/json"})
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert stored_state(intake) == (0, 0)


def test_a_chunked_body_under_the_limit_is_accepted(intake, provider):
    encoded = json.dumps(candidate_body()).encode()
    response = intake.post("/v1/candidates", content=iter([encoded[:100], encoded[100:]]),
                           headers=provider | {"Content-Type": "application/json"})
    assert response.status_code == 201, response.text


def test_not_json_at_all_is_422(intake, provider):
    response = intake.post("/v1/candidates", content=b"{not json",
                           headers=provider | {"Content-Type": "application/json"})
    assert response.status_code == 422


# --- idempotency --------------------------------------------------------------------------


def test_a_retry_with_the_same_key_returns_the_first_answer(intake, provider, kafka_bootstrap):
    body = candidate_body()
    headers = provider | {"Idempotency-Key": "2b7c9e0e-retry-1"}
    first = intake.post("/v1/candidates", json=body, headers=headers)
    # the candidate changes in between: the replay is still the first answer
    intake.patch(f"/v1/candidates/{first.json()['id']}", json={"householdSize": 3},
                 headers=provider)
    second = intake.post("/v1/candidates", json=body, headers=headers)

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["location"] == first.headers["location"]
    assert stored_state(intake)[0] == 1
    wait_for_relay(intake)
    registered = [m for m in intake_events(kafka_bootstrap, {first.json()["id"]})
                  if m.event.NAME == "intake.candidate-registered"]
    assert len(registered) == 1


def test_the_same_key_with_another_body_is_refused(intake, provider):
    headers = provider | {"Idempotency-Key": "key-1"}
    assert intake.post("/v1/candidates", json=candidate_body(), headers=headers).status_code == 201
    response = intake.post("/v1/candidates", json=candidate_body(), headers=headers)
    assert response.status_code == 422
    assert response.json()["invalidParams"][0]["name"] == "Idempotency-Key"
    assert stored_state(intake)[0] == 1


def test_keys_are_per_organisation(intake, provider, other_provider):
    first = intake.post("/v1/candidates", json=candidate_body(),
                        headers=provider | {"Idempotency-Key": "shared-key"})
    second = intake.post("/v1/candidates", json=candidate_body(),
                         headers=other_provider | {"Idempotency-Key": "shared-key"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]


def test_a_failed_request_does_not_burn_the_key(intake, provider):
    headers = provider | {"Idempotency-Key": "key-2"}
    body = candidate_body()
    bad = intake.post("/v1/candidates", json=dict(body, householdSize=0), headers=headers)
    assert bad.status_code == 422
    good = intake.post("/v1/candidates", json=body, headers=headers)
    assert good.status_code == 201


# --- duplicate person ---------------------------------------------------------------------


def test_a_second_organisation_gets_409_without_details(intake, provider, other_provider):
    body = candidate_body()
    first = intake.post("/v1/candidates", json=body, headers=provider).json()
    response = intake.post("/v1/candidates", json=dict(body, name="Another Spelling",
                                                       targetGroup="detentie"),
                           headers=other_provider)
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "duplicate-person"
    assert "existingId" not in problem
    text = response.text
    assert first["id"] not in text and "Lentis" not in text and "beschermd" not in text
    assert stored_state(intake)[0] == 1


def test_the_same_organisation_learns_its_own_candidate_id(intake, provider):
    body = candidate_body()
    first = intake.post("/v1/candidates", json=body, headers=provider).json()
    response = intake.post("/v1/candidates", json=body, headers=provider)
    assert response.status_code == 409
    assert response.json()["existingId"] == first["id"]


# --- CSV import ---------------------------------------------------------------------------

HEADER = ("bsn;name;birthYear;householdSize;yearlyIncome;targetGroup;registrationMunicipality;"
          "preferredMunicipalities;accessibility;ambulantSupport;careProvider\n")


def csv_post(client, headers, text, **extra):
    return client.post("/v1/candidate-imports", content=text.encode(),
                       headers=headers | {"Content-Type": "text/csv; charset=utf-8"} | extra)


def test_csv_import_registers_every_row(intake, provider, kafka_bootstrap):
    bsns = [fake_bsn() for _ in range(3)]
    text = HEADER + (
        f"{bsns[0]};Anna de Vries;1990;1;18000;beschermd-wonen;GM0014;GM0014 GM1966;geen;ja;"
        "Lentis\n"
        f"{bsns[1]};;;3;36000;dakloos-gezin;GM1952;;nultreden;nee;\n"
        f"{bsns[2]};Piet;1950;2;50000;ouderen;GM0047;GM0047|GM0037;rollator;nee;\n"
    )
    response = csv_post(intake, provider, text)

    assert response.status_code == 201, response.text
    report = response.json()
    assert report["imported"] == 3
    assert [row["row"] for row in report["candidates"]] == [1, 2, 3]
    ids = [row["id"] for row in report["candidates"]]
    second = intake.get(f"/v1/candidates/{ids[1]}", headers=provider).json()
    assert second["householdSize"] == 3 and second["ageBand"] == "onbekend"
    third = intake.get(f"/v1/candidates/{ids[2]}", headers=provider).json()
    assert third["preferredMunicipalities"] == ["GM0047", "GM0037"]
    assert third["incomeClass"] == "daeb"
    wait_for_relay(intake)
    assert len(intake_events(kafka_bootstrap, set(ids))) == 3


def test_csv_import_with_one_bad_row_stores_nothing_and_reports_each_error(intake, provider):
    registered = candidate_body()
    intake.post("/v1/candidates", json=registered, headers=provider)
    good = fake_bsn()
    text = HEADER + (
        f"{good};Anna;1990;1;18000;beschermd-wonen;GM0014;;geen;ja;Lentis\n"
        f"123456789;Bert;1990;1;18000;beschermd-wonen;GM0014;;geen;ja;\n"
        f"{fake_bsn()};Cor;1990;0;-5;studenten;GM0363;;geen;misschien;\n"
        f"{good};Anna again;1990;1;18000;beschermd-wonen;GM0014;;geen;nee;\n"
        f"{registered['bsn']};Dirk;1990;1;18000;beschermd-wonen;GM0014;;geen;nee;\n"
        f"{fake_bsn()};Eva;1990;1;18000\n"
    )
    before = stored_state(intake)
    response = csv_post(intake, provider, text)

    assert response.status_code == 422
    problem = response.json()
    assert "nothing was imported" in problem["detail"]
    errors = {(e["row"], e["field"]) for e in problem["errors"]}
    assert (2, "bsn") in errors
    assert {(3, "householdSize"), (3, "yearlyIncome"), (3, "targetGroup"),
            (3, "needs.ambulantSupport")} <= errors
    assert (4, "bsn") in errors  # the same person twice in one file
    assert (5, "bsn") in errors  # already registered
    assert (6, "row") in errors  # too few cells
    assert not any(e["row"] == 1 for e in problem["errors"])
    assert "123456789" not in response.text and registered["bsn"] not in response.text
    assert stored_state(intake) == before


@pytest.mark.parametrize("text, field", [
    ("bsn,householdSize,yearlyIncome,targetGroup\n", "header.registrationMunicipality"),
    ("bsn,householdSize,yearlyIncome,targetGroup,registrationMunicipality,phone\n",
     "header.phone"),
    ("", "file"),
    ("bsn,householdSize,yearlyIncome,targetGroup,registrationMunicipality\n", "rows[0].file"),
])
def test_csv_import_refuses_a_bad_file(intake, provider, text, field):
    response = csv_post(intake, provider, text)
    assert response.status_code == 422
    assert field in [p["name"] for p in response.json()["invalidParams"]]
    assert stored_state(intake) == (0, 0)


def test_csv_import_wants_csv(intake, provider):
    response = intake.post("/v1/candidate-imports", json={"rows": []}, headers=provider)
    assert response.status_code == 415


def test_csv_import_is_idempotent_with_a_key(intake, provider):
    text = HEADER + f"{fake_bsn()};Anna;1990;1;18000;medisch;GM0014;;geen;nee;\n"
    first = csv_post(intake, provider, text, **{"Idempotency-Key": "import-1"})
    second = csv_post(intake, provider, text, **{"Idempotency-Key": "import-1"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert stored_state(intake)[0] == 1
