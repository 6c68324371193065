"""Fair-share agreements through HTTP: versions, targets with their breakdown, inputs the
registry derives (stock, lettings), bad input and roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from registry_helpers import (
    PROBLEM,
    announce,
    events_on,
    outbox_count,
    outbox_event_ids,
    put_dwelling,
    wait_for_relay,
)

from shared.contracts import topics
from shared.contracts.periods import Period, today_amsterdam

pytestmark = pytest.mark.kafka


def agreement_body(**overrides) -> dict:
    body = {
        "urgentShare": 0.27,
        "keyWeights": {"population": 1.0, "socialStock": 0.0, "lettings": 0.0},
        "expectedLettings": 1000,
        "categories": [{"category": "vrouwenopvang", "validityDays": 90},
                       {"category": "mantelzorg", "validityDays": 90},
                       {"category": "beschermd-wonen", "validityDays": 180}],
    }
    body.update(overrides)
    return body


def test_put_publishes_version_1_then_2_and_earlier_versions_stay_readable(
        registry, province, municipality, kafka_bootstrap):
    first = registry.put("/v1/agreements/province/2026", json=agreement_body(),
                         headers=province)
    second = registry.put("/v1/agreements/province/2026", headers=province,
                          json=agreement_body(urgentShare=0.3, capShare=0.4))

    assert first.status_code == 201, first.text
    assert second.status_code == 200, second.text
    v1, v2 = first.json(), second.json()
    assert (v1["version"], v2["version"]) == (1, 2)
    assert v1["capShare"] == 0.5 and v2["capShare"] == 0.4
    assert v1["periodStart"] == "2026-01-01" and v1["periodEnd"] == "2026-12-31"
    assert v1["expectedLettings"] == 1000 and v1["expectedLettingsSource"] == "given"
    assert [c["category"] for c in v1["categories"]] == ["vrouwenopvang", "mantelzorg",
                                                         "beschermd-wonen"]
    assert len(v1["municipalities"]) == 10 and v1["publishedBy"] == "provincie-groningen"
    assert sum(t["target"] for t in v1["targets"]) == 270
    assert sum(t["target"] for t in v2["targets"]) == 300

    assert registry.get("/v1/agreements/province/2026", headers=municipality).json() == v2
    assert registry.get("/v1/agreements/province/2026", params={"version": 1},
                        headers=municipality).json() == v1
    assert registry.get("/v1/agreements/province/2026", params={"version": 3},
                        headers=municipality).status_code == 404

    wait_for_relay(registry)
    mine = outbox_event_ids(registry)
    published = [m.event for m in events_on(kafka_bootstrap, topics.AGREEMENTS.name,
                                            {"province:2026"}) if m.received.id in mine]
    assert [e.version for e in published] == [1, 2]
    for event, stored in zip(published, (v1, v2)):
        assert event.urgent_share == stored["urgentShare"]
        assert event.expected_lettings == stored["expectedLettings"]
        assert event.municipalities == stored["municipalities"]
        assert [t.model_dump(mode="json", by_alias=True) for t in event.targets] == stored[
            "targets"]
        assert [c.category for c in event.categories] == [
            c["category"] for c in stored["categories"]]


def test_targets_add_up_carry_over_counts_and_the_breakdown_explains(registry, province,
                                                                     corporation):
    body = agreement_body(carryOver={"GM0765": 2, "GM0014": -3})
    assert registry.put("/v1/agreements/province/2026-H1", json=body,
                        headers=province).status_code == 201

    response = registry.get("/v1/agreements/province/2026-H1/targets", headers=corporation)

    assert response.status_code == 200
    targets = response.json()
    assert targets["version"] == 1 and targets["scopeTotal"] == 270
    rows = {t["municipality"]: t for t in targets["targets"]}
    assert sum(t["baseTarget"] for t in rows.values()) == 270
    assert targets["totalTarget"] == 270 + 2 - 3
    assert rows["GM0765"]["carryOver"] == 2
    assert rows["GM0765"]["target"] == rows["GM0765"]["baseTarget"] + 2
    assert rows["GM0014"]["name"] == "Groningen"
    groningen = rows["GM0014"]["breakdown"]
    assert groningen["population"] == 244441
    assert groningen["floor"] + int(groningen["gotExtraUnit"]) == rows["GM0014"]["baseTarget"]
    assert abs(groningen["quota"] - 270 * groningen["key"]) < 1e-9
    assert abs(sum(t["key"] for t in rows.values()) - 1) < 1e-12
    assert targets["computation"]["rounding"] == "half-up"
    assert targets["computation"]["periodYears"] == 0.5
    assert targets["basis"]["notes"]


def test_expected_lettings_are_derived_from_registered_stock_per_region(
        service_app, province, corporation, tokens):
    registry = service_app("registry", turnover_rate=0.5)
    for _ in range(30):
        put_dwelling(registry, corporation, municipality="GM0014")
    for _ in range(10):
        put_dwelling(registry, corporation, municipality="GM1966")
    body = agreement_body(expectedLettings=None, urgentShare=0.5,
                          keyWeights={"population": 0.0, "socialStock": 1.0, "lettings": 0.0})

    response = registry.put("/v1/agreements/groningen-assen/2027-H1", json=body,
                            headers=province)

    assert response.status_code == 201, response.text
    agreement = response.json()
    assert sorted(agreement["municipalities"]) == ["GM0014", "GM1952", "GM1966", "GM1969"]
    assert agreement["expectedLettingsSource"] == "derived"
    assert agreement["expectedLettings"] == 10  # 40 dwellings x 0.5 a year x half a year
    targets = registry.get("/v1/agreements/groningen-assen/2027-H1/targets",
                           headers=province).json()
    by = {t["municipality"]: t["target"] for t in targets["targets"]}
    assert by == {"GM0014": 4, "GM1966": 1, "GM1952": 0, "GM1969": 0}  # 5 x 3/4, 5 x 1/4
    assert targets["basis"]["socialStockSource"] == "registered-dwellings"
    assert targets["computation"]["totalSocialStock"] == 40


def test_without_registered_stock_it_is_estimated_and_the_basis_says_so(registry, province):
    response = registry.put("/v1/agreements/province/2026", headers=province,
                            json=agreement_body(expectedLettings=None))

    assert response.status_code == 201, response.text
    assert response.json()["expectedLettings"] == round(602833 * 0.138 * 0.07)
    assert response.json()["basis"]["socialStockSource"] == "estimated-from-population"
    targets = registry.get("/v1/agreements/province/2026/targets", headers=province).json()
    assert targets["basis"]["socialStockSource"] == "estimated-from-population"
    assert targets["basis"]["socialStockPerInhabitant"] == 0.138
    assert any("no dwellings" in note for note in targets["basis"]["notes"])


def test_the_lettings_weight_uses_lettings_reported_in_the_previous_period(
        registry, province, corporation):
    let_on = today_amsterdam() - timedelta(days=10)
    half = "H1" if let_on.month <= 6 else "H2"
    reported_in = Period.parse(f"{let_on.year}-{half}")
    following = Period.parse(f"{(reported_in.end + timedelta(days=1)).year}-"
                             f"{'H2' if half == 'H1' else 'H1'}")
    vacancy = announce(registry, corporation,
                       put_dwelling(registry, corporation, municipality="GM1895"), days=-20)
    assert registry.post(f"/v1/vacancies/{vacancy['id']}/lettings", headers=corporation,
                         json={"tenantType": "regular", "date": let_on.isoformat()}
                         ).status_code == 201
    body = agreement_body(keyWeights={"population": 0.0, "socialStock": 0.0, "lettings": 1.0},
                          expectedLettings=100, urgentShare=0.1)

    response = registry.put(f"/v1/agreements/oost-groningen/{following.label}", json=body,
                            headers=province)

    assert response.status_code == 201, response.text
    assert {t["municipality"]: t["target"] for t in response.json()["targets"]
            if t["target"]} == {"GM1895": 10}
    targets = registry.get(f"/v1/agreements/oost-groningen/{following.label}/targets",
                           headers=province).json()
    assert targets["basis"]["lettingsPeriod"] == reported_in.label
    # no lettings at all in the period before that one: a lettings weight cannot apply
    earlier = registry.put(f"/v1/agreements/oost-groningen/{reported_in.label}", json=body,
                           headers=province)
    assert earlier.status_code == 422
    assert [p["name"] for p in earlier.json()["invalidParams"]] == ["keyWeights.lettings"]


@pytest.mark.parametrize("scope, period, overrides, field", [
    ("province", "2026", {"keyWeights": {"population": 0.5, "socialStock": 0.3,
                                         "lettings": 0.1}}, "keyWeights"),
    ("province", "2026", {"keyWeights": {"population": 1.0, "stock": 0.0}}, "keyWeights.stock"),
    ("province", "2026", {"urgentShare": 1.5}, "urgentShare"),
    ("province", "2026", {"capShare": -0.1}, "capShare"),
    ("province", "2026", {"expectedLettings": -5}, "expectedLettings"),
    ("province", "2026", {"carryOver": {"GM9999": 2}}, "carryOver.GM9999"),
    ("eemsdelta", "2026", {"carryOver": {"GM0014": 2}}, "carryOver.GM0014"),
    ("province", "2026", {"categories": []}, "categories"),
    ("province", "2026", {"categories": [{"category": "medisch", "validityDays": 90},
                                         {"category": "medisch", "validityDays": 30}]},
     "categories[1].category"),
    ("province", "2026", {"categories": [{"category": "sport", "validityDays": 90}]},
     "categories.0.category"),
    ("province", "2026", {"categories": [{"category": "medisch", "validityDays": 0}]},
     "categories.0.validityDays"),
    ("province", "2026", {"quota": 3}, "quota"),
    ("drenthe", "2026", {}, "scope"),
    ("GM0014", "2026", {}, "scope"),
    ("province", "2026-Q1", {}, "period"),
    ("province", "1999", {}, "period"),
])
def test_bad_agreements_name_the_field_and_store_and_publish_nothing(
        registry, province, scope, period, overrides, field):
    before = outbox_count(registry)

    response = registry.put(f"/v1/agreements/{scope}/{period}",
                            json=agreement_body(**overrides), headers=province)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert field in [p["name"] for p in response.json()["invalidParams"]]
    assert outbox_count(registry) == before
    assert registry.get(f"/v1/agreements/{scope}/{period}",
                        headers=province).status_code == 404


def test_nothing_reaches_the_topic_for_a_bad_agreement(registry, province, kafka_bootstrap):
    scope_period = "oost-groningen:2030"
    bad = agreement_body(keyWeights={"population": 0.7, "socialStock": 0.7})
    assert registry.put("/v1/agreements/oost-groningen/2030", json=bad,
                        headers=province).status_code == 422
    wait_for_relay(registry)
    mine = outbox_event_ids(registry)
    assert [m for m in events_on(kafka_bootstrap, topics.AGREEMENTS.name, {scope_period})
            if m.received.id in mine] == []


def test_the_admin_may_set_agreements_too(registry, admin):
    response = registry.put("/v1/agreements/eemsdelta/2026", json=agreement_body(),
                            headers=admin)
    assert response.status_code == 201
    assert [t["target"] for t in response.json()["targets"]] == [270]


def test_agreements_need_json(registry, province):
    response = registry.put("/v1/agreements/province/2026", content="urgentShare=0.3",
                            headers=province | {"content-type": "text/plain"})
    assert response.status_code == 415


@pytest.mark.parametrize("role_fixture", ["corporation", "municipality", "care_provider"])
def test_only_province_and_admin_set_agreements_but_everyone_reads(registry, province, request,
                                                                   role_fixture):
    headers = request.getfixturevalue(role_fixture)
    refused = registry.put("/v1/agreements/province/2026", json=agreement_body(),
                           headers=headers)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == PROBLEM
    registry.put("/v1/agreements/province/2026", json=agreement_body(), headers=province)
    assert registry.get("/v1/agreements/province/2026", headers=headers).status_code == 200
    assert registry.get("/v1/agreements/province/2026/targets",
                        headers=headers).status_code == 200


@pytest.mark.parametrize("method, path", [
    ("put", "/v1/agreements/province/2026"), ("get", "/v1/agreements/province/2026"),
    ("get", "/v1/agreements/province/2026/targets"),
])
def test_agreement_endpoints_need_a_token(registry, method, path):
    response = registry.request(method, path, json=agreement_body() if method == "put" else None)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM


def test_unknown_agreements_are_not_found(registry, municipality):
    assert registry.get("/v1/agreements/province/2029", headers=municipality).status_code == 404
    assert registry.get("/v1/agreements/province/2029/targets",
                        headers=municipality).status_code == 404


def test_out_of_range_versions_and_carry_over_are_bad_input(registry, province):
    huge = registry.get("/v1/agreements/province/2026", params={"version": 10**19},
                        headers=province)
    assert huge.status_code == 422
    response = registry.put("/v1/agreements/province/2026", headers=province,
                            json=agreement_body(carryOver={"GM0014": 10**19}))
    assert response.status_code == 422
    assert "carryOver.GM0014" in [p["name"] for p in response.json()["invalidParams"]]
