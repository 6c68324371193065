"""Issue 12: `GET /v1/vacancies/{vacancyId}/assessments/{candidateId}` through the allocation
API: it answers as the proposal's explanation does (rank, score and components of the ranked
candidates), for the vacancy's corporation and the candidate's parties only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.kafka  # service_app runs the outbox relay against the test broker


@pytest.fixture
def api(service_app, seeded, scenario):
    """One open proposal: vacancy v-1 in the scenario's municipality, three candidates."""
    scenario.target, scenario.expected_lettings, scenario.cap_share = 10, 10.0, 1.0
    seeded.feed(*scenario.setup("c-1", "c-2", "c-3"),
                scenario.vacancy("v-1", bag_id="0014010011060001"))
    return service_app("allocation", database_url=seeded.runtime.settings.database_url)


def assessment(api, headers, candidate_id, vacancy_id="v-1"):
    return api.get(f"/v1/vacancies/{vacancy_id}/assessments/{candidate_id}", headers=headers)


def test_the_assessment_matches_the_proposals_explanation(api, corporation):
    [proposal] = api.get("/v1/proposals", headers=corporation).json()["items"]
    explanation = api.get(f"/v1/proposals/{proposal['id']}",
                          headers=corporation).json()["explanation"]
    assert explanation["ranked"]
    for rank, ranked in enumerate(explanation["ranked"], start=1):
        response = assessment(api, corporation, ranked["candidateId"])
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["eligible"] and body["failed"] == []
        assert (body["rank"], body["score"], body["components"]) == (
            rank, ranked["score"], ranked["components"])
        assert body["proposalId"] == proposal["id"] and body["labelled"] is True
        assert body["labelReason"] == explanation["labelReason"]
        assert {c["rule"] for c in body["checks"]} >= {"rent-above-cap", "too-few-rooms"}
        assert all(c["passed"] for c in body["checks"])
    assert explanation["ranked"][0]["candidateId"] == proposal["candidateId"]


def test_only_the_parties_read_an_assessment(api, corporation, other_corporation,
                                             care_provider, municipality, admin, tokens):
    for headers in (corporation, care_provider, municipality, admin):
        assert assessment(api, headers, "c-1").status_code == 200
    for headers in (other_corporation, tokens.issue("cosis", "care-provider"),
                    tokens.issue("GM1895", "municipality")):
        response = assessment(api, headers, "c-1")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
    assert assessment(api, admin, "c-1", vacancy_id="no-such").status_code == 404
    assert assessment(api, admin, "no-such").status_code == 404
    assert api.get("/v1/vacancies/v-1/assessments/c-1").status_code == 401
