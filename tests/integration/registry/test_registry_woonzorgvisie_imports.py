"""Woonzorgvisie imports through HTTP: versioned, all rows or none, errors named by row and
column, each accepted import published on registry.woonzorgvisie.v1."""

from __future__ import annotations

import pytest
from registry_helpers import PROBLEM, events_on, outbox_count, wait_for_relay

from shared.contracts import topics

pytestmark = pytest.mark.kafka
NEED = "area,year,targetGroup,housingType,households"
PROGRAMME = "area,year,housingType,change,owner"
RATES = "ageBand,housingType,rate"
FORECAST = "area,year,ageBand,persons"


def post(client, headers, path: str, lines: list[str], **params):
    params.setdefault("source", "Woonbehoefteonderzoek 2025")
    return client.post(f"/v1/{path}", content="\n".join(lines).encode(), params=params,
                       headers=headers | {"content-type": "text/csv"})


def test_a_good_need_file_is_stored_as_a_version_and_published(registry, province,
                                                                kafka_bootstrap):
    lines = [NEED, "GM0014,2030,ouderen-75,nultreden,120", "WK001401,2030,medisch,zelfstandig,7",
             "BU00140101,2040,beschermd-wonen,beschermd,3"]

    first = post(registry, province, "housing-need-imports", lines)
    second = post(registry, province, "housing-need-imports", lines[:2])

    assert first.status_code == 201, first.text
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    assert first.json()["illustrative"] is False
    assert first.json()["rows"] == 3
    assert first.json()["areas"] == ["BU00140101", "GM0014", "WK001401"]
    wait_for_relay(registry)
    published = events_on(kafka_bootstrap, topics.WOONZORGVISIE.name, {first.json()["id"]})
    assert len(published) == 1
    event = published[0].event
    assert (event.kind, event.version, event.source) == (
        "housing-need", 1, "Woonbehoefteonderzoek 2025")
    assert [(f.area, f.year, f.target_group, str(f.housing_type), f.households)
            for f in event.need] == [("GM0014", 2030, "ouderen-75", "nultreden", 120),
                                     ("WK001401", 2030, "medisch", "zelfstandig", 7),
                                     ("BU00140101", 2040, "beschermd-wonen", "beschermd", 3)]


def test_bad_rows_are_refused_and_named_by_row_and_column(registry, province):
    before = outbox_count(registry)
    lines = [NEED,
             "GM0014,2030,ouderen-75,nultreden,120",
             "GM9999,2023,jongeren,villa,-4",
             "WK00140,2030,medisch,zelfstandig,7",
             "GM0014,2030,ouderen-75,nultreden,5",
             "GM0014,2030"]

    response = post(registry, province, "housing-need-imports", lines)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert {(e["row"], e["field"]) for e in problem["errors"]} == {
        (2, "area"), (2, "year"), (2, "targetGroup"), (2, "housingType"), (2, "households"),
        (3, "area"), (4, "row"), (5, "row")}
    reasons = {(e["row"], e["field"]): e["reason"] for e in problem["errors"]}
    assert "GM9999" in reasons[(2, "area")]
    assert reasons[(4, "row")] == "repeats row 1"
    assert "rows[2].year" in [p["name"] for p in problem["invalidParams"]]
    assert outbox_count(registry) == before


def test_a_municipality_imports_only_its_own_areas(registry, municipality):
    own = post(registry, municipality, "building-programme-imports",
               [PROGRAMME, "WK001401,2027,nultreden,40,Nijestee",
                "GM0014,2028,zelfstandig,-12,Lefier"])
    foreign = post(registry, municipality, "building-programme-imports",
                   [PROGRAMME, "GM1966,2027,nultreden,40,Wierden en Borgen"])
    assert own.status_code == 201, own.text
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["row"] == 1
    assert "only its own areas" in foreign.json()["errors"][0]["reason"]


def test_roles_source_and_media_type_are_checked(registry, corporation, province):
    lines = [PROGRAMME, "GM0014,2027,nultreden,40,Nijestee"]
    assert post(registry, corporation, "building-programme-imports", lines).status_code == 403
    assert registry.post("/v1/building-programme-imports?source=x",
                         content=b"x").status_code == 401
    no_source = registry.post("/v1/building-programme-imports", content="\n".join(lines),
                              headers=province | {"content-type": "text/csv"})
    assert no_source.status_code == 422
    as_json = registry.post("/v1/building-programme-imports?source=x", json={},
                            headers=province)
    assert as_json.status_code == 415
    zero = post(registry, province, "building-programme-imports",
                [PROGRAMME, "GM0014,2027,nultreden,0,Nijestee"])
    assert zero.json()["errors"] == [{"row": 1, "field": "change", "reason": zero.json()[
        "errors"][0]["reason"]}]


def test_a_forecast_refers_to_rates_covering_its_age_bands(registry, province,
                                                           kafka_bootstrap):
    rates = post(registry, province, "need-rate-imports",
                 [RATES, "75+,nultreden,0.25", "75+,geclusterd,0.1", "65-74,nultreden,0.05"])
    assert rates.status_code == 201, rates.text
    rates_id = rates.json()["id"]

    missing = post(registry, province, "population-forecast-imports",
                   [FORECAST, "GM0014,2030,75+,1000"])
    unknown = post(registry, province, "population-forecast-imports",
                   [FORECAST, "GM0014,2030,75+,1000"], rates="no-such-import")
    uncovered = post(registry, province, "population-forecast-imports",
                     [FORECAST, "GM0014,2030,75+,1000", "GM0014,2030,55-64,800"],
                     rates=rates_id)
    good = post(registry, province, "population-forecast-imports",
                [FORECAST, "GM0014,2030,75+,1000", "GM0014,2030,65-74,2000"], rates=rates_id)

    assert missing.status_code == 422
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "rates"
    assert [(e["row"], e["field"]) for e in uncovered.json()["errors"]] == [(2, "ageBand")]
    assert good.status_code == 201, good.text
    assert good.json()["ratesImport"] == rates_id
    wait_for_relay(registry)
    event = events_on(kafka_bootstrap, topics.WOONZORGVISIE.name, {good.json()["id"]})[0].event
    assert [(r.age_band, str(r.housing_type), r.rate) for r in event.rates] == [
        ("75+", "nultreden", 0.25), ("75+", "geclusterd", 0.1), ("65-74", "nultreden", 0.05)]
    assert [(f.age_band, f.persons) for f in event.forecast] == [("75+", 1000), ("65-74", 2000)]
