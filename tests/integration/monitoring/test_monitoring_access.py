"""Who sees what: exact numbers for province, admin and a municipality for itself; the
public view (cells under 5 suppressed) without a token; 401, 403, 404 and 422 problems."""

from __future__ import annotations

import pytest

from monitoring_helpers import Scenario, eventually, publish, realisation_row

pytestmark = pytest.mark.kafka
PROBLEM = "application/problem+json"


@pytest.fixture
def three_placed(monitoring, scenario, province, kafka_bootstrap) -> Scenario:
    publish(kafka_bootstrap, scenario.municipality(), scenario.agreement(),
            *(e for _ in range(3) for e in scenario.placement()))
    eventually(lambda: realisation_row(monitoring, scenario, province)["realised"] == 3)
    return scenario


def test_without_a_token_cells_under_5_are_suppressed(monitoring, three_placed):
    response = monitoring.get("/v1/realisation", params=three_placed.query)
    body = response.json()
    assert (body["disclosure"], body["suppressionThreshold"]) == ("suppressed", 5)
    row = body["municipalities"][0]
    assert row["realised"] is None and row["lag"] is None and row["status"] is None
    assert row["target"] == 10  # targets are agreements, not counts of people
    assert body["total"]["realised"] is None
    flows = monitoring.get("/v1/flows", params=three_placed.query).json()
    march = [m for m in flows["months"] if m["month"] == "2026-03"][0]
    assert march["housed"] is None


@pytest.mark.parametrize("role_headers", ["province", "admin"])
def test_province_and_admin_see_exact_numbers(monitoring, three_placed, role_headers, request):
    headers = request.getfixturevalue(role_headers)
    body = monitoring.get("/v1/realisation", params=three_placed.query, headers=headers).json()
    assert body["disclosure"] == "exact"
    row = body["municipalities"][0]
    assert (row["realised"], row["status"]) == (3, "ahead")  # 3 against 10 * 3/20


def test_other_roles_see_the_public_view(monitoring, three_placed, corporation):
    body = monitoring.get("/v1/realisation", params=three_placed.query,
                          headers=corporation).json()
    assert body["disclosure"] == "suppressed" and body["municipalities"][0]["realised"] is None


def test_a_municipality_sees_itself_in_detail(monitoring, three_placed, tokens):
    own = tokens.issue(three_placed.code, "municipality")
    query = {"period": "2026", "scope": three_placed.code}
    body = monitoring.get("/v1/realisation", params=query, headers=own).json()
    assert body["disclosure"] == "exact" and body["municipalities"][0]["realised"] == 3
    # the region (here: the agreement scope) as the public sees it
    region = monitoring.get("/v1/realisation", params=three_placed.query, headers=own).json()
    assert region["disclosure"] == "suppressed"


def test_a_municipality_may_not_ask_another_ones_detail(monitoring, three_placed, tokens):
    other = tokens.issue("GM0014", "municipality")
    response = monitoring.get("/v1/realisation",
                              params={"period": "2026", "scope": three_placed.code},
                              headers=other)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith(PROBLEM)
    assert three_placed.code in response.json()["detail"]
    public = monitoring.get("/v1/realisation", params={"period": "2026",
                                                       "scope": three_placed.code})
    assert public.status_code == 200  # the public figures are there without a token


def test_at_five_a_cell_is_shown_to_everyone(monitoring, scenario, province, kafka_bootstrap):
    publish(kafka_bootstrap, scenario.agreement(),
            *(e for _ in range(5) for e in scenario.placement()))
    eventually(lambda: realisation_row(monitoring, scenario, province)["realised"] == 5)
    assert realisation_row(monitoring, scenario)["realised"] == 5


def test_a_bad_token_is_refused(monitoring):
    response = monitoring.get("/v1/realisation",
                              headers={"Authorization": "Bearer wr_not-a-token"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("params, name", [
    ({"period": "2026-H3"}, "period"),
    ({"period": "26"}, "period"),
    ({"period": "1999"}, "period"),
    ({"targetGroup": "aliens"}, "targetGroup"),
    ({"scope": "<script>"}, "scope"),
    ({"scope": ""}, "scope"),
])
@pytest.mark.parametrize("path", ["/v1/realisation", "/v1/flows", "/v1/stock.csv"])
def test_invalid_filters_are_422_naming_the_parameter(monitoring, params, name, path):
    response = monitoring.get(path, params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert [p["name"] for p in response.json()["invalidParams"]] == [name]


@pytest.mark.parametrize("scope", ["nowhere-land", "GM0001"])
def test_an_unknown_scope_is_404(monitoring, scope):
    response = monitoring.get("/v1/waiting-times", params={"scope": scope})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["invalidParams"][0]["name"] == "scope"


def test_openapi_lists_the_reports(monitoring):
    paths = monitoring.get("/v1/openapi.json").json()["paths"]
    for path in ("realisation", "realisation-series", "flows", "waiting-times",
                 "proposal-funnel", "stock", "alerts"):
        # paths relative to the server URL /v1; CSV through Accept (`.csv` is an alias)
        assert f"/{path}" in paths and f"/{path}.csv" not in paths
        assert "text/csv" in paths[f"/{path}"]["get"]["responses"]["200"]["content"]
    assert "/" not in paths and "/metrics" not in paths
