"""Events produced to the topics show up in the API within seconds; a fresh process rebuilds
the same numbers from offset 0."""

from __future__ import annotations

import time

import pytest
from monitoring_helpers import eventually, publish, realisation_row

from shared.contracts.vocabulary import TargetGroup

pytestmark = pytest.mark.kafka


def test_a_placement_shows_up_in_realisation_within_seconds(monitoring, scenario, province,
                                                            kafka_bootstrap):
    publish(kafka_bootstrap, scenario.agreement())
    row = eventually(lambda: realisation_row(monitoring, scenario, province))
    assert (row["target"], row["realised"], row["lettingsSeen"]) == (10, 0, 0)

    started = time.monotonic()
    publish(kafka_bootstrap, *scenario.placement())
    row = eventually(lambda: (r := realisation_row(monitoring, scenario, province))
                     ["realised"] == 1 and r, timeout=10, interval=0.1)
    assert time.monotonic() - started < 10
    assert row["expectedToDate"] == 0.5  # 10 * 1 letting seen / 20 expected
    assert (row["lag"], row["status"], row["statusLabel"]) == (0.5, "on-track", "op schema")
    assert row["agreementScope"] == scenario.scope


def test_every_report_follows_the_events(monitoring, scenario, province, kafka_bootstrap):
    publish(kafka_bootstrap, scenario.municipality("Placedorp"), scenario.agreement(),
            *scenario.placement(group=TargetGroup.MEDISCH), *scenario.placement(),
            scenario.regular_letting())
    eventually(lambda: realisation_row(monitoring, scenario, province)["lettingsSeen"] == 3)

    def get(path, **params):
        response = monitoring.get(f"/v1/{path}", params=scenario.query | params,
                                  headers=province)
        assert response.status_code == 200, response.text
        return response.json()

    march = [m for m in get("flows")["months"] if m["month"] == "2026-03"][0]
    assert march["housed"] == 2
    waits = {(r["municipality"], r["targetGroup"]): r for r in get("waiting-times")["rows"]}
    assert waits[(scenario.code, "all")]["medianDays"] == 40.0
    assert waits[(scenario.code, "all")]["name"] == "Placedorp"
    funnel = get("proposal-funnel")["rows"][0]
    assert (funnel["municipality"], funnel["placed"]) == ("all", 2)
    stock = {r["municipality"]: r for r in get("stock")["rows"]}
    assert stock[scenario.code]["lettings"] == 3 and stock[scenario.code]["urgentLettings"] == 2
    assert stock[scenario.code]["dwellings"] == 2  # from the vacancies' dwelling facts
    grouped = get("realisation", targetGroup="medisch")["byTargetGroup"]
    assert {(g["municipality"], g["realised"]) for g in grouped} == {(scenario.code, 1),
                                                                      (None, 1)}
    series = get("realisation-series")["points"]
    # one point per month end, up to the latest business date seen on any topic
    assert series[0]["date"] == "2026-01-31" and series[-1]["realised"] == 2
    options = monitoring.get("/v1/filter-options").json()
    assert scenario.scope in options["regions"] and "2026" in options["periods"]


def test_a_fresh_process_rebuilds_the_same_numbers(service_app, scenario, province,
                                                   kafka_bootstrap):
    first = service_app("monitoring")
    publish(kafka_bootstrap, scenario.agreement(), *scenario.placement(),
            *scenario.placement(), scenario.regular_letting())
    eventually(lambda: realisation_row(first, scenario, province)["lettingsSeen"] == 3)
    paths = ["realisation", "realisation-series", "flows", "waiting-times", "proposal-funnel",
             "stock"]

    def documents(client):
        return {p: client.get(f"/v1/{p}", params=scenario.query, headers=province).json()
                for p in paths}

    before = documents(first)
    second = service_app("monitoring")  # its own empty database, the same topics
    eventually(lambda: documents(second) == before, timeout=20)
