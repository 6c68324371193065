"""Every report also as CSV: with `Accept: text/csv` or a `.csv` path; suppressed cells read
"<5" in the public export."""

from __future__ import annotations

import csv
import io

import pytest

from monitoring_helpers import eventually, publish, realisation_row

pytestmark = pytest.mark.kafka
REPORTS = ["realisation", "realisation-series", "flows", "waiting-times", "proposal-funnel",
           "stock", "alerts"]


@pytest.fixture
def two_placed(monitoring, scenario, province, kafka_bootstrap):
    publish(kafka_bootstrap, scenario.agreement(), *scenario.placement(),
            *scenario.placement())
    eventually(lambda: realisation_row(monitoring, scenario, province)["realised"] == 2)
    return scenario


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.text)))


@pytest.mark.parametrize("report", REPORTS)
def test_csv_by_path_and_by_accept_header(monitoring, two_placed, province, report):
    by_path = monitoring.get(f"/v1/{report}.csv", params=two_placed.query, headers=province)
    by_accept = monitoring.get(f"/v1/{report}", params=two_placed.query,
                               headers=province | {"Accept": "text/csv"})
    for response in (by_path, by_accept):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == (
            f'attachment; filename="{report}-2026-{two_placed.scope}.csv"')
    assert by_path.text == by_accept.text
    json_answer = monitoring.get(f"/v1/{report}", params=two_placed.query, headers=province)
    assert json_answer.headers["content-type"] == "application/json"


def test_realisation_csv_exact_and_public(monitoring, two_placed, province):
    exact = rows_of(monitoring.get("/v1/realisation.csv", params=two_placed.query,
                                   headers=province))
    public = rows_of(monitoring.get("/v1/realisation.csv", params=two_placed.query))
    mine = [r for r in exact if r["level"] == "municipality" and r["targetGroup"] == "all"][0]
    assert (mine["municipality"], mine["target"], mine["realised"]) == (two_placed.code, "10",
                                                                        "2")
    hidden = [r for r in public if r["level"] == "municipality" and r["targetGroup"] == "all"][0]
    assert hidden["realised"] == "<5" and hidden["status"] == "<5"
    assert hidden["target"] == "10"
    assert {r["level"] for r in exact} == {"municipality", "region", "scope"}


def test_csv_of_flows_has_one_row_per_month(monitoring, two_placed, province):
    rows = rows_of(monitoring.get("/v1/flows.csv", params=two_placed.query, headers=province))
    assert [r["month"] for r in rows] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert rows[2]["housed"] == "2"


def test_csv_errors_are_still_problems(monitoring):
    response = monitoring.get("/v1/realisation.csv", params={"period": "last year"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
