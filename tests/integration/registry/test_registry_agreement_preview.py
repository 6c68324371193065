"""Previewing an agreement's targets through HTTP: the same targets a PUT sets, nothing
stored or published, the PUT's validation and roles."""

from __future__ import annotations

import pytest
from registry_helpers import PROBLEM, outbox_count
from test_registry_agreements_api import agreement_body

pytestmark = pytest.mark.kafka

TERMS = {"urgentShare": 0.3, "capShare": 0.4, "carryOver": {"GM0014": 5},
         "keyWeights": {"population": 0.5, "socialStock": 0.5, "lettings": 0.0}}


def comparable(targets: dict) -> dict:
    """The targets without the version: a preview names the version a PUT would create."""
    return {k: v for k, v in targets.items() if k != "version"}


def test_the_preview_equals_the_targets_a_put_of_the_same_terms_sets(registry, province):
    body = agreement_body(**TERMS)

    preview = registry.post("/v1/agreements/province/2031/preview", json=body,
                            headers=province)
    put = registry.put("/v1/agreements/province/2031", json=body, headers=province)
    saved = registry.get("/v1/agreements/province/2031/targets", headers=province)

    assert preview.status_code == 200, preview.text
    assert put.status_code == 201, put.text
    assert preview.json()["version"] == 1
    assert comparable(preview.json()) == comparable(saved.json())
    assert sum(t["target"] for t in preview.json()["targets"]) == preview.json()["totalTarget"]


def test_a_preview_stores_and_publishes_nothing(registry, admin):
    before = outbox_count(registry)

    preview = registry.post("/v1/agreements/oost-groningen/2032/preview",
                            json=agreement_body(), headers=admin)

    assert preview.status_code == 200, preview.text
    assert preview.json()["targets"]
    assert outbox_count(registry) == before
    assert registry.get("/v1/agreements/oost-groningen/2032",
                        headers=admin).status_code == 404


@pytest.mark.parametrize("scope,period,overrides,field", [
    ("province", "2033", {"keyWeights": {"population": 0.7, "socialStock": 0.7}},
     "keyWeights"),
    ("province", "2033", {"urgentShare": 1.5}, "urgentShare"),
    ("nowhere", "2033", {}, "scope"),
    ("province", "1999", {}, "period"),
])
def test_bad_terms_get_the_puts_problem_naming_the_field(registry, province, scope, period,
                                                         overrides, field):
    response = registry.post(f"/v1/agreements/{scope}/{period}/preview",
                             json=agreement_body(**overrides), headers=province)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert any(field in p["name"] for p in response.json()["invalidParams"])


def test_a_municipality_may_not_preview(registry, municipality):
    response = registry.post("/v1/agreements/province/2031/preview", json=agreement_body(),
                             headers=municipality)

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
