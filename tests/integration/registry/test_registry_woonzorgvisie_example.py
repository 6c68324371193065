"""The illustrative example dataset of docs/woonzorgvisie imports through the registry's HTTP
API (as the demo does) and reaches monitoring's housing gap, labelled illustrative."""

from __future__ import annotations

import pytest
from registry_helpers import wait_until

from tools.woonzorgvisie_example import SOURCE, load_example

pytestmark = pytest.mark.kafka


def test_the_example_dataset_imports_and_shows_as_illustrative(registry, province,
                                                               service_app):
    monitoring = service_app("monitoring")

    answers = load_example(registry, province)

    assert {name: (a["kind"], a["rows"], a["illustrative"]) for name, a in answers.items()} == {
        "housing-need.csv": ("housing-need", 120, True),
        "need-rates.csv": ("need-rates", 5, True),
        "population-forecast.csv": ("population-forecast", 6, True),
        "building-programme.csv": ("building-programme", 8, True),
    }
    assert answers["population-forecast.csv"]["ratesImport"] == answers["need-rates.csv"]["id"]

    def gap():
        body = monitoring.get("/v1/housing-gap", params={"year": 2030, "area": "GM1952"},
                              headers=province).json()
        ids = {s["importId"] for s in body["sources"]}
        return ids >= {a["id"] for a in answers.values() if a["kind"] != "need-rates"} and body

    body = wait_until(gap)
    assert {s["source"] for s in body["sources"] if s["importId"] in
            {a["id"] for a in answers.values()}} == {SOURCE}
    assert all(s["illustrative"] for s in body["sources"] if s["source"] == SOURCE)
    by_type = {r["housingType"]: r for r in body["rows"]}
    # Midden-Groningen 2030 has no counted need: 7600 x 0.04 + 6200 x 0.12 = 304 + 744
    assert by_type["nultreden"]["need"] == 1048
    # 20 nultreden homes planned for 2026 and none delivered: supply now + 20
    assert by_type["nultreden"]["supplyWithProgramme"] == by_type["nultreden"]["supplyNow"] + 20
