"""The registry on SQLite and PostgreSQL: everything it stores survives a restart, and the
outbox publishes exactly what was stored."""

from __future__ import annotations

import pytest
from registry_helpers import (
    announce,
    event_name,
    events_on,
    in_days,
    outbox_count,
    outbox_event_ids,
    put_dwelling,
    wait_for_relay,
)

from shared.contracts import topics

pytestmark = pytest.mark.kafka
AGREEMENT = {"urgentShare": 0.27, "expectedLettings": 500,
             "keyWeights": {"population": 0.5, "socialStock": 0.5, "lettings": 0.0},
             "categories": [{"category": "vrouwenopvang", "validityDays": 90}],
             "carryOver": {"GM0037": -1}}


def test_state_survives_a_restart_and_the_outbox_published_what_was_stored(
        service_app, database_url, corporation, admin, province, kafka_bootstrap):
    first = service_app("registry", database_url=database_url)
    pekela = first.put("/v1/municipalities/GM0765", headers=admin,
                       json={"region": "oost-groningen", "population": 12600,
                             "careProviders": ["Cosis"]}).json()
    bag_open = put_dwelling(first, corporation, municipality="GM0037", rooms=4,
                            monthlyRent=701.15, accessibility="rollator", careSuitable=False)
    bag_let = put_dwelling(first, corporation, municipality="GM0765")
    open_vacancy = announce(first, corporation, bag_open, days=30)
    let_vacancy = announce(first, corporation, bag_let, days=-5)
    let_vacancy = first.post(f"/v1/vacancies/{let_vacancy['id']}/lettings", headers=corporation,
                             json={"tenantType": "urgent", "date": in_days(-1)}).json()
    agreement_v1 = first.put("/v1/agreements/oost-groningen/2027", json=AGREEMENT,
                             headers=province).json()
    agreement_v2 = first.put("/v1/agreements/oost-groningen/2027", headers=province,
                             json=AGREEMENT | {"urgentShare": 0.3}).json()
    targets = first.get("/v1/agreements/oost-groningen/2027/targets", headers=province).json()
    wait_for_relay(first)
    rows = outbox_count(first)
    mine = outbox_event_ids(first)

    second = service_app("registry", database_url=database_url)

    assert outbox_count(second) == rows, "a restart publishes nothing new"
    read = second.get
    assert read("/v1/municipalities/GM0765", headers=admin).json() == pekela
    dwelling = read(f"/v1/dwellings/{bag_open}", headers=corporation).json()
    assert dwelling["monthlyRent"] == 701.15 and dwelling["accessibility"] == "rollator"
    assert read(f"/v1/vacancies/{open_vacancy['id']}", headers=corporation).json() == open_vacancy
    assert read(f"/v1/vacancies/{let_vacancy['id']}", headers=corporation).json() == let_vacancy
    assert read("/v1/agreements/oost-groningen/2027", params={"version": 1},
                headers=province).json() == agreement_v1
    assert read("/v1/agreements/oost-groningen/2027", headers=province).json() == agreement_v2
    assert read("/v1/agreements/oost-groningen/2027/targets", headers=province).json() == targets
    # the stored stock now counts for the key: 2 registered dwellings in the region
    assert targets["basis"]["socialStockSource"] == "registered-dwellings"
    assert targets["computation"]["totalSocialStock"] == 2

    # what the outbox published is what was stored
    [municipality_event] = [m.event for m in events_on(
        kafka_bootstrap, topics.MUNICIPALITIES.name, {"GM0765"})
        if m.received.id in mine and m.event.population == 12600]
    assert municipality_event.care_providers == pekela["careProviders"]
    dwelling_events = {m.key: m.event.dwelling for m in events_on(
        kafka_bootstrap, topics.DWELLINGS.name, {bag_open, bag_let}) if m.received.id in mine}
    facts = dwelling_events[bag_open].model_dump(mode="json", by_alias=True)
    assert facts == dwelling
    vacancy_events = [m for m in events_on(kafka_bootstrap, topics.VACANCIES.name,
                                           {bag_open, bag_let}) if m.received.id in mine]
    assert sorted((m.key, event_name(m)) for m in vacancy_events) == sorted([
        (bag_open, "vacancy-announced"), (bag_let, "vacancy-announced"),
        (bag_let, "vacancy-let")])
    announced = next(m.event for m in vacancy_events if m.key == bag_open)
    assert announced.vacancy_id == open_vacancy["id"]
    assert announced.available_from.isoformat() == open_vacancy["availableFrom"]
    assert announced.dwelling.model_dump(mode="json", by_alias=True) == dwelling
    let_event = next(m.event for m in vacancy_events if event_name(m) == "vacancy-let")
    assert (let_event.tenant_type, let_event.let_on.isoformat()) == (
        "urgent", let_vacancy["letting"]["date"])
    agreement_events = [m.event for m in events_on(kafka_bootstrap, topics.AGREEMENTS.name,
                                                   {"oost-groningen:2027"})
                        if m.received.id in mine]
    assert [e.version for e in agreement_events] == [1, 2]
    assert [t.model_dump(mode="json", by_alias=True) for t in agreement_events[1].targets] == (
        agreement_v2["targets"])


def test_racing_writes_keep_one_open_vacancy_and_distinct_agreement_versions(
        service_app, database_url, corporation, province):
    from concurrent.futures import ThreadPoolExecutor

    registry = service_app("registry", database_url=database_url)
    bag_id = put_dwelling(registry, corporation)

    def announce_once(_):
        return registry.post("/v1/vacancies", headers=corporation,
                             json={"bagId": bag_id, "availableFrom": in_days(10)}).status_code

    def publish_once(_):
        response = registry.put("/v1/agreements/province/2028", json=AGREEMENT,
                                headers=province)
        return response.status_code, response.json().get("version")

    with ThreadPoolExecutor(5) as pool:
        announced = list(pool.map(announce_once, range(5)))
        published = list(pool.map(publish_once, range(5)))

    assert sorted(announced) == [201, 409, 409, 409, 409]
    assert sorted(version for _, version in published) == [1, 2, 3, 4, 5]
    assert sorted(status for status, _ in published) == [200, 200, 200, 200, 201]
    vacancies = registry.get("/v1/vacancies", headers=corporation).json()
    assert vacancies["total"] == 1
