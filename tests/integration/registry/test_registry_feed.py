"""The corporations' vacancy feed against the real broker: records are validated,
deduplicated and republished on the canonical vacancies topic; poison goes to the DLQ with
its reason, and the consumer goes on."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from kafka_helpers import consume_all, produce
from registry_helpers import (
    event_name,
    events_on,
    in_days,
    new_bag_id,
    put_dwelling,
    runtime_of,
    wait_for_relay,
    wait_until,
)

from services.registry.bootstrap import FEED_CONSUMER
from services.registry.domain.vacancies import feed_vacancy_id
from shared.contracts import topics
from shared.contracts.envelope import encode
from shared.contracts.events import FeedVacancyReported, VacancyAnnounced
from shared.messaging.consuming import Outcome

pytestmark = pytest.mark.kafka
FEED = topics.VACANCY_FEED.name
DLQ = topics.VACANCY_FEED.dlq.name


def record(bag_id: str, action: str = "announced", corporation: str = "lefier",
           **fields) -> FeedVacancyReported:
    if action == "announced":
        fields.setdefault("available_from", date.fromisoformat(in_days(14)))
    return FeedVacancyReported(corporation=corporation, bag_id=bag_id, action=action, **fields)


def send(bootstrap: str, item: FeedVacancyReported, event_id: str | None = None) -> str:
    event_id = event_id or str(uuid.uuid4())
    produce(bootstrap, FEED, item.key(),
            encode(item, source=f"urn:corporation:{item.corporation}", event_id=event_id))
    return event_id


def vacancies_of(client, headers, bag_id: str) -> list[dict]:
    items = client.get("/v1/vacancies", params={"pageSize": 500}, headers=headers).json()["items"]
    return [v for v in items if v["bagId"] == bag_id]


def wait_for_vacancy(client, headers, bag_id: str, status: str = "open") -> dict:
    return wait_until(lambda: next((v for v in vacancies_of(client, headers, bag_id)
                                    if v["status"] == status), None), timeout=45)


def dead_letters(bootstrap: str, keys: set[str], expect: int) -> dict[str, dict]:
    def found():
        letters = {m.key: json.loads(m.value) for m in consume_all(bootstrap, DLQ, timeout=30)
                   if m.key in keys}
        return letters if len(letters) >= expect else None
    return wait_until(found, timeout=45, interval=0.5)


def test_duplicates_collapse_into_one_canonical_announcement(service_app, database_url,
                                                             corporation, kafka_bootstrap):
    registry = service_app("registry", database_url=database_url)
    bag_id = put_dwelling(registry, corporation)
    sentinel = put_dwelling(registry, corporation)
    first = record(bag_id)
    event_id = send(kafka_bootstrap, first)
    send(kafka_bootstrap, first, event_id)  # redelivery: the same CloudEvents id
    send(kafka_bootstrap, first)  # the same announcement, sent again with a new id
    send(kafka_bootstrap, record(bag_id, available_from=date.fromisoformat(in_days(20))))
    send(kafka_bootstrap, record(sentinel))  # same partition order is not guaranteed: wait

    wait_for_vacancy(registry, corporation, sentinel)
    vacancy = wait_for_vacancy(registry, corporation, bag_id)

    assert len(vacancies_of(registry, corporation, bag_id)) == 1
    assert vacancy["id"] == feed_vacancy_id("lefier", bag_id, first.available_from)
    assert vacancy["source"] == "feed" and vacancy["availableFrom"] == in_days(14)
    counts = runtime_of(registry).feed.processor.counts
    wait_until(lambda: counts[Outcome.HANDLED] + counts[Outcome.DUPLICATE] >= 5)
    assert counts[Outcome.DUPLICATE] == 1 and counts[Outcome.DEAD_LETTERED] == 0
    wait_for_relay(registry)
    announced = [m for m in events_on(kafka_bootstrap, topics.VACANCIES.name, {bag_id})]
    assert [event_name(m) for m in announced] == ["vacancy-announced"]
    event = announced[0].event
    assert isinstance(event, VacancyAnnounced)
    assert event.vacancy_id == vacancy["id"] and event.dwelling.corporation == "lefier"
    assert event.dwelling.bag_id == bag_id and event.dwelling.municipality == "GM0014"


def test_withdrawn_let_and_a_replay_of_the_feed_create_nothing_new(registry, corporation,
                                                                  kafka_bootstrap):
    withdrawn_bag = put_dwelling(registry, corporation)
    let_bag = put_dwelling(registry, corporation)
    announcements = [record(withdrawn_bag), record(let_bag)]
    closings = [record(withdrawn_bag, "withdrawn"),
                record(let_bag, "let", tenant_type="urgent",
                       let_on=date.fromisoformat(in_days(-1)))]
    for item in announcements + closings:
        send(kafka_bootstrap, item)
    wait_for_vacancy(registry, corporation, withdrawn_bag, "withdrawn")
    let_vacancy = wait_for_vacancy(registry, corporation, let_bag, "let")
    assert let_vacancy["letting"] == {"tenantType": "urgent", "date": in_days(-1)}

    # a replay from the start (new CloudEvents ids, so the ledger does not know them)
    for item in announcements + closings:
        send(kafka_bootstrap, item)
    sentinel = put_dwelling(registry, corporation)
    send(kafka_bootstrap, record(sentinel))
    wait_for_vacancy(registry, corporation, sentinel)
    counts = runtime_of(registry).feed.processor.counts
    wait_until(lambda: counts[Outcome.HANDLED] >= 9)

    assert [v["status"] for v in vacancies_of(registry, corporation, withdrawn_bag)] == [
        "withdrawn"]
    assert [v["status"] for v in vacancies_of(registry, corporation, let_bag)] == ["let"]
    assert counts[Outcome.DEAD_LETTERED] == 0
    wait_for_relay(registry)
    messages = events_on(kafka_bootstrap, topics.VACANCIES.name, {withdrawn_bag, let_bag})
    assert sorted((m.key, event_name(m)) for m in messages) == sorted([
        (withdrawn_bag, "vacancy-announced"), (withdrawn_bag, "vacancy-withdrawn"),
        (let_bag, "vacancy-announced"), (let_bag, "vacancy-let")])
    [let_event] = [m.event for m in messages if event_name(m) == "vacancy-let"]
    assert let_event.tenant_type == "urgent"


def test_poison_lands_in_the_dlq_with_its_reason_and_the_consumer_goes_on(
        registry, corporation, other_corporation, kafka_bootstrap):
    mine, theirs, unknown = (put_dwelling(registry, corporation),
                             put_dwelling(registry, other_corporation), new_bag_id())
    closed = put_dwelling(registry, corporation)
    poison = {
        "lefier:malformed-" + uuid.uuid4().hex: (b'{"specversion": "1.0", "id": ', "not JSON"),
    }
    cases = [
        (record(unknown), f"lefier has no dwelling {unknown}"),
        (record(theirs), f"lefier has no dwelling {theirs}"),
        (record(mine, "reserved"), "action: 'reserved' is not one of"),
        (record(mine, available_from=None), "availableFrom: is required"),
        (record(mine, available_from=date(2031, 1, 1)), "availableFrom: must lie between"),
        (record(mine, "let"), "tenantType: is required"),
        (record(closed, "withdrawn"), f"dwelling {closed} has no open vacancy"),
    ]
    # each case on a key of its own, so that every letter can be told apart
    keyed = {}
    for index, (item, reason) in enumerate(cases):
        key = f"{item.key()}#{index}"
        produce(kafka_bootstrap, FEED, key,
                encode(item, source="urn:corporation:lefier", event_id=str(uuid.uuid4())))
        keyed[key] = reason
    for key, (value, reason) in poison.items():
        produce(kafka_bootstrap, FEED, key, value)
        keyed[key] = reason
    wrong_type = f"lefier:{mine}#wrong-type"
    produce(kafka_bootstrap, FEED, wrong_type, encode(
        VacancyAnnounced(vacancy_id="x", available_from=date.today(),
                         announced_at="2026-01-01T00:00:00Z",
                         dwelling={"bagId": mine, "municipality": "GM0014",
                                   "corporation": "lefier", "rooms": 1, "monthlyRent": 1,
                                   "accessibility": "geen"}),
        source="urn:somebody"))
    keyed[wrong_type] = "expected nl.woonregie.feed.vacancy-reported.v1"
    send(kafka_bootstrap, record(mine))  # after the poison: still processed

    wait_for_vacancy(registry, corporation, mine)
    letters = dead_letters(kafka_bootstrap, set(keyed), expect=len(keyed))

    for key, reason in keyed.items():
        letter = letters[key]
        assert reason in letter["error"], (key, letter["error"])
        assert letter["originalTopic"] == FEED
        assert letter["consumer"] == FEED_CONSUMER
        assert letter["rawBase64"]
    wait_for_relay(registry)
    assert events_on(kafka_bootstrap, topics.VACANCIES.name, {unknown, theirs, closed}) == []
    assert vacancies_of(registry, other_corporation, theirs) == []
    assert [v["status"] for v in vacancies_of(registry, corporation, mine)] == ["open"]


def test_an_announcement_reported_afterwards_is_decided_on_its_own_day(registry, corporation,
                                                                      kafka_bootstrap):
    from shared.contracts.periods import today_amsterdam

    bag_id, future_bag = put_dwelling(registry, corporation), put_dwelling(registry, corporation)
    announced_on = date.fromisoformat(in_days(-40))
    send(kafka_bootstrap, record(bag_id, announced_on=announced_on))
    send(kafka_bootstrap, record(future_bag, announced_on=date.fromisoformat(in_days(1))))

    wait_for_vacancy(registry, corporation, bag_id)
    wait_for_relay(registry)
    [message] = events_on(kafka_bootstrap, topics.VACANCIES.name, {bag_id})
    assert today_amsterdam(message.event.announced_at) == announced_on
    letters = dead_letters(kafka_bootstrap, {f"lefier:{future_bag}"}, expect=1)
    assert "announcedOn" in json.dumps(letters)
    assert vacancies_of(registry, corporation, future_bag) == []
