"""The allocation API through its real entry point (service_app), on a database the service
layer seeded directly: proposals within the caller's organisation, answers, move-in,
placements, and a problem+json answer for every refusal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared.contracts.periods import today_amsterdam

pytestmark = pytest.mark.kafka  # service_app runs the outbox relay against the test broker

PROBLEM = "application/problem+json"


@pytest.fixture
def api(service_app, seeded, scenario):
    """Two open proposals (two vacancies, three candidates) in the scenario's municipality."""
    scenario.target, scenario.expected_lettings, scenario.cap_share = 10, 10.0, 1.0
    seeded.feed(*scenario.setup("c-1", "c-2", "c-3"),
                scenario.vacancy("v-1", bag_id="0014010011060001"),
                scenario.vacancy("v-2", bag_id="0014010011060002"))
    client = service_app("allocation", database_url=seeded.runtime.settings.database_url)
    client.seeded = seeded
    return client


def open_ids(api, headers) -> list[str]:
    response = api.get("/v1/proposals", params={"status": "open"}, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def answer(api, proposal_id, headers, party, decision="accepted", **extra):
    return api.post(f"/v1/proposals/{proposal_id}/responses", headers=headers,
                    json={"decision": decision, "decidedBy": party, **extra})


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    if field is not None:
        assert field in [p["name"] for p in body["invalidParams"]], body
    return body


# --- reading ---------------------------------------------------------------------------------


def test_each_organisation_sees_its_own_proposals(api, corporation, other_corporation,
                                                  care_provider, municipality, admin, tokens):
    mine = open_ids(api, corporation)
    assert len(mine) == 2
    assert open_ids(api, care_provider) == mine
    assert open_ids(api, municipality) == mine
    assert set(open_ids(api, admin)) >= set(mine)
    assert open_ids(api, other_corporation) == []
    assert open_ids(api, tokens.issue("cosis", "care-provider")) == []
    assert open_ids(api, tokens.issue("GM1895", "municipality")) == []


def test_a_list_item_names_the_vacancy_dwelling_candidate_and_dates(api, corporation,
                                                                    scenario):
    body = api.get("/v1/proposals", headers=corporation).json()
    assert (body["page"], body["pageSize"], body["total"]) == (1, 50, 2)
    item = next(i for i in body["items"] if i["vacancyId"] == "v-1")
    assert item["bagId"] == "0014010011060001"
    assert item["candidateId"] in {"c-1", "c-2", "c-3"}
    assert (item["status"], item["municipality"]) == ("open", scenario.code)
    assert (item["proposedOn"], item["expiresOn"]) == ("2026-03-02", "2026-03-16")
    assert item["responses"] == {"corporation": None, "candidate": None}
    assert "explanation" not in item  # the detail carries it


def test_the_detail_explains_the_choice(api, corporation):
    [proposal_id, *_] = open_ids(api, corporation)
    response = api.get(f"/v1/proposals/{proposal_id}", headers=corporation)
    assert response.status_code == 200
    assert response.headers["api-version"]
    explanation = response.json()["explanation"]
    assert explanation["labelReason"].startswith("achter op schema")
    assert explanation["ranked"][0]["candidateId"] == response.json()["candidateId"]
    assert set(explanation["ranked"][0]["components"]) == {"category", "waiting", "preference",
                                                          "balance"}
    assert explanation["eligibleCount"] >= 1


def test_status_filter_and_paging(api, corporation):
    assert api.get("/v1/proposals", params={"status": "placed"},
                   headers=corporation).json()["total"] == 0
    page = api.get("/v1/proposals", params={"pageSize": 1, "page": 2},
                   headers=corporation).json()
    assert len(page["items"]) == 1 and page["total"] == 2
    assert_problem(api.get("/v1/proposals", params={"status": "pending"}, headers=corporation),
                   422, "query.status")
    assert_problem(api.get("/v1/proposals", params={"pageSize": 0}, headers=corporation),
                   422, "query.pageSize")


def test_outside_the_organisation_a_proposal_does_not_exist(api, corporation,
                                                            other_corporation):
    [proposal_id, *_] = open_ids(api, corporation)
    assert_problem(api.get(f"/v1/proposals/{proposal_id}", headers=other_corporation), 404)
    assert_problem(api.get("/v1/proposals/no-such-id", headers=corporation), 404)
    assert_problem(answer(api, proposal_id, other_corporation, "corporation"), 404)


def test_no_token_or_a_bad_one_is_401(api):
    assert_problem(api.get("/v1/proposals"), 401)
    assert_problem(api.get("/v1/proposals", headers={"Authorization": "Bearer wr_nope"}), 401)


# --- answering -------------------------------------------------------------------------------


def test_accepted_by_both_parties_is_accepted(api, corporation, care_provider):
    [proposal_id, *_] = open_ids(api, corporation)
    first = answer(api, proposal_id, corporation, "corporation")
    assert first.status_code == 200
    assert first.json()["status"] == "open"
    assert first.json()["responses"]["corporation"]["decision"] == "accepted"
    both = answer(api, proposal_id, care_provider, "candidate")
    assert both.json()["status"] == "accepted"
    assert api.get("/v1/proposals", params={"status": "accepted"},
                   headers=care_provider).json()["total"] == 1


def test_a_decline_needs_a_reason_and_passes_the_dwelling_on(api, corporation, care_provider):
    [proposal_id, *_] = open_ids(api, corporation)
    body = assert_problem(answer(api, proposal_id, care_provider, "candidate", "declined"),
                          422, "reasonCode")
    assert "declined" in body["invalidParams"][0]["reason"]

    declined = answer(api, proposal_id, care_provider, "candidate", "declined",
                      reasonCode="dwelling-not-suitable")
    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["closedBy"],
            declined.json()["closeReason"]) == ("declined", "candidate", "dwelling-not-suitable")
    # the third candidate now has the dwelling
    vacancy = declined.json()["vacancyId"]
    items = api.get("/v1/proposals", params={"status": "open"}, headers=corporation).json()
    [nxt] = [i for i in items["items"] if i["vacancyId"] == vacancy]
    assert nxt["attempt"] == 2 and nxt["candidateId"] != declined.json()["candidateId"]


def test_each_party_answers_only_for_itself(api, corporation, care_provider, municipality,
                                           admin):
    [proposal_id, *_] = open_ids(api, corporation)
    assert_problem(answer(api, proposal_id, corporation, "candidate"), 403)
    assert_problem(answer(api, proposal_id, care_provider, "corporation"), 403)
    assert_problem(answer(api, proposal_id, municipality, "candidate"), 403)  # read-only
    assert_problem(answer(api, proposal_id, admin, "corporation"), 403)


def test_a_closed_proposal_refuses_new_answers_with_409(api, corporation, care_provider):
    [proposal_id, *_] = open_ids(api, corporation)
    answer(api, proposal_id, corporation, "corporation", "declined",
           reasonCode="corporation-screening")
    again = answer(api, proposal_id, corporation, "corporation", "declined",
                   reasonCode="corporation-screening")
    assert again.status_code == 200  # the same answer again: a harmless repeat
    body = assert_problem(answer(api, proposal_id, care_provider, "candidate"), 409)
    assert body["code"] == "proposal-not-open"


@pytest.mark.parametrize(("body", "field"), [
    ({"decision": "maybe", "decidedBy": "corporation"}, "decision"),
    ({"decision": "accepted", "decidedBy": "municipality"}, "decidedBy"),
    ({"decision": "accepted"}, "decidedBy"),
    ({"decision": "accepted", "decidedBy": "corporation", "note": "x"}, "note"),
    ({"decision": "declined", "decidedBy": "corporation", "reasonCode": "x" * 61},
     "reasonCode"),
    ({"decision": "declined", "decidedBy": "corporation", "reason": "huurachterstand"},
     "reason"),  # free text is no longer accepted
    ({"decision": "declined", "decidedBy": "corporation", "reasonCode": "no-show",
      "note": "x" * 1001}, "note"),
])
def test_bad_answers_name_the_field(api, corporation, body, field):
    [proposal_id, *_] = open_ids(api, corporation)
    assert_problem(api.post(f"/v1/proposals/{proposal_id}/responses", headers=corporation,
                            json=body), 422, field)


# --- decline reasons: codes on the wire, the note stays in allocation --------------------


def test_the_decline_reasons_are_a_versioned_list_per_party(api, care_provider):
    response = api.get("/v1/decline-reasons", headers=care_provider)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["version"] >= 1
    candidate = {r["code"]: r for r in body["parties"]["candidate"]}
    corporation = {r["code"] for r in body["parties"]["corporation"]}
    assert candidate["refused-without-valid-reason"]["valid"] is False
    assert candidate["dwelling-not-suitable"]["valid"] is True
    assert candidate["no-show"]["parkDays"] == 30
    assert candidate["no-show"]["label"].startswith("Niet verschenen")  # Dutch labels
    assert "corporation-screening" in corporation and "housed-elsewhere" not in corporation
    assert api.get("/v1/decline-reasons").status_code == 401


@pytest.mark.parametrize(("party", "code"), [
    ("candidate", "te-ver"),  # free text as it was sent before the list
    ("corporation", "housed-elsewhere"),  # a code of the other party
    ("corporation", "vacancy-withdrawn"),  # the platform's own closure
])
def test_an_unknown_reason_code_names_the_allowed_codes(api, corporation, care_provider,
                                                        party, code):
    [proposal_id, *_] = open_ids(api, corporation)
    headers = corporation if party == "corporation" else care_provider
    body = assert_problem(answer(api, proposal_id, headers, party, "declined",
                                 reasonCode=code), 422, "reasonCode")
    allowed = [r["code"] for r in api.get("/v1/decline-reasons", headers=headers)
               .json()["parties"][party]]
    assert all(c in body["detail"] for c in allowed), body
    assert api.get(f"/v1/proposals/{proposal_id}", headers=corporation).json()["status"] == \
        "open"


def test_the_note_is_for_the_parties_only_and_never_published(api, corporation, care_provider,
                                                               municipality, admin,
                                                               kafka_bootstrap):
    from kafka_helpers import consume_all

    from shared.contracts import topics
    [proposal_id, *_] = open_ids(api, corporation)
    # proposal ids repeat across the tests that share this broker: read only what follows
    seen_before = {(m.partition, m.offset)
                   for m in consume_all(kafka_bootstrap, topics.PROPOSALS.name)}
    note = "Huurachterstand bij de vorige verhuurder van mevrouw Jansen"
    declined = answer(api, proposal_id, corporation, "corporation", "declined",
                      reasonCode="corporation-screening", note=note)
    assert declined.status_code == 200, declined.text
    assert declined.json()["responses"]["corporation"]["reasonCode"] == "corporation-screening"
    for party in (corporation, care_provider):
        read = api.get(f"/v1/proposals/{proposal_id}", headers=party).json()
        assert read["notes"] == [{"decidedBy": "corporation", "note": note}]
    for reader in (municipality, admin):
        read = api.get(f"/v1/proposals/{proposal_id}", headers=reader).json()
        assert read["status"] == "declined" and read["notes"] is None
    listed = api.get("/v1/proposals", headers=corporation).text
    assert "Jansen" not in listed

    def published():
        found = [m for m in consume_all(kafka_bootstrap, topics.PROPOSALS.name)
                 if m.event is not None and getattr(m.event, "proposal_id", None) == proposal_id
                 and type(m.event).__name__ == "ProposalDeclined"
                 and (m.partition, m.offset) not in seen_before]
        return found or None

    [message] = wait_for(published, 30)
    assert message.event.reason_code == "corporation-screening"
    assert b"Jansen" not in message.value and b"Huurachterstand" not in message.value
    assert all("Jansen" not in str(row.payload) for row in api.seeded.outbox())


def wait_for(probe, seconds: float):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError("nothing published in time")


def test_an_answer_must_be_json(api, corporation):
    [proposal_id, *_] = open_ids(api, corporation)
    response = api.post(
        f"/v1/proposals/{proposal_id}/responses", content=b"decision=accepted",
        headers=corporation | {"Content-Type": "application/x-www-form-urlencoded"})
    assert_problem(response, 415)


# --- move-in and placements --------------------------------------------------------------------


def test_the_move_in_of_an_accepted_proposal_is_a_placement(api, corporation, care_provider,
                                                           municipality, scenario):
    [proposal_id, *_] = open_ids(api, corporation)
    move_in = {"date": "2026-04-01"}
    body = assert_problem(api.post(f"/v1/proposals/{proposal_id}/move-in",
                                   headers=corporation, json=move_in), 409)
    assert body["code"] == "proposal-not-accepted"
    answer(api, proposal_id, corporation, "corporation")
    answer(api, proposal_id, care_provider, "candidate")
    assert_problem(api.post(f"/v1/proposals/{proposal_id}/move-in", headers=care_provider,
                            json=move_in), 403)

    moved = api.post(f"/v1/proposals/{proposal_id}/move-in", headers=corporation, json=move_in)

    assert moved.status_code == 201, moved.text
    placement = moved.json()
    assert moved.headers["location"] == f"/v1/placements/{placement['id']}"
    assert (placement["proposalId"], placement["moveInDate"]) == (proposal_id, "2026-04-01")
    assert placement["municipality"] == scenario.code
    assert api.get(f"/v1/proposals/{proposal_id}", headers=corporation).json()["status"] == \
        "placed"
    for reader in (corporation, care_provider, municipality):
        listed = api.get("/v1/placements", headers=reader).json()
        assert [p["id"] for p in listed["items"]] == [placement["id"]]
    assert api.get(moved.headers["location"], headers=care_provider).json() == placement
    assert api.get("/v1/placements", headers=corporation).json()["total"] == 1
    outbox = [r.topic for r in api.seeded.outbox()]
    assert outbox.count("allocation.placements.v1") == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"date": "1 april"}, "date"),
    ({}, "date"),
    ({"date": "2026-01-01"}, "date"),  # before the proposal
])
def test_a_bad_move_in_date_names_the_field(api, corporation, care_provider, body, field):
    [proposal_id, *_] = open_ids(api, corporation)
    answer(api, proposal_id, corporation, "corporation")
    answer(api, proposal_id, care_provider, "candidate")
    assert_problem(api.post(f"/v1/proposals/{proposal_id}/move-in", headers=corporation,
                            json=body), 422, field)


def test_a_placement_outside_the_organisation_does_not_exist(api, corporation, care_provider,
                                                             other_corporation):
    [proposal_id, *_] = open_ids(api, corporation)
    answer(api, proposal_id, corporation, "corporation")
    answer(api, proposal_id, care_provider, "candidate")
    placement = api.post(f"/v1/proposals/{proposal_id}/move-in", headers=corporation,
                         json={"date": date(2026, 4, 1).isoformat()}).json()
    assert_problem(api.get(f"/v1/placements/{placement['id']}", headers=other_corporation),
                   404)
    assert api.get("/v1/placements", headers=other_corporation).json()["total"] == 0


def test_the_openapi_document_lists_the_resources(api):
    document = api.get("/v1/openapi.json").json()
    paths = {document["servers"][0]["url"] + path for path in document["paths"]}  # "/v1" + …
    assert {"/v1/proposals", "/v1/proposals/{id}", "/v1/proposals/{id}/responses",
            "/v1/proposals/{id}/move-in", "/v1/placements", "/v1/placements/{id}"} <= set(paths)


def test_an_answer_reported_afterwards_carries_its_own_date(api, corporation, care_provider):
    [proposal_id, *_] = open_ids(api, corporation)
    proposed_on = date.fromisoformat(
        api.get(f"/v1/proposals/{proposal_id}", headers=corporation).json()["proposedOn"])
    answered_on = (proposed_on + timedelta(days=3)).isoformat()
    answer(api, proposal_id, corporation, "corporation", on=answered_on)

    both = answer(api, proposal_id, care_provider, "candidate", on=answered_on)

    assert both.status_code == 200, both.text
    responses = both.json()["responses"]
    assert responses["corporation"]["on"] == responses["candidate"]["on"] == answered_on
    assert both.json()["status"] == "accepted"


@pytest.mark.parametrize("days_after_proposal", [-1, None])
def test_an_answer_before_the_proposal_or_in_the_future_names_the_field(
        api, corporation, days_after_proposal):
    [proposal_id, *_] = open_ids(api, corporation)
    proposed_on = date.fromisoformat(
        api.get(f"/v1/proposals/{proposal_id}", headers=corporation).json()["proposedOn"])
    on = (proposed_on + timedelta(days=days_after_proposal) if days_after_proposal is not None
          else today_amsterdam() + timedelta(days=1))
    assert_problem(answer(api, proposal_id, corporation, "corporation", on=on.isoformat()),
                   422, "on")
    assert api.get(f"/v1/proposals/{proposal_id}", headers=corporation).json()["responses"][
        "corporation"] is None
