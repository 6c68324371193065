"""Bad messages on every consumed topic, against the platform as `woonregie run` starts it.

On each topic a service consumes: a malformed message, a truncated event, an oversized one
(900 kB: under the broker's 1 MB limit, far over anything a consumer accepts), an event of an
unknown major version and one of an unknown type; then a valid marker event behind them in
the same partition. For every consumer of the topic:
- each bad message lands in `<topic>.dlq` with its key, the consumer's name and the reason;
- the consumer keeps going: the marker is processed (in the consumer's ledger; for monitoring,
  in its processed-events counter);
- its lag returns to 0 (group consumers: committed offsets against end offsets; monitoring:
  its /metrics lag).
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from kafka_helpers import consume_all, produce
from reliability_helpers import (
    dwelling_body,
    group_lag,
    ledger_ids,
    metric_values,
    new_bag_id,
    wait_until,
)

from services.allocation.worker.topics import CONSUMED as ALLOCATION_CONSUMED
from services.monitoring.adapters.consumer import CONSUMED_TOPICS as MONITORING_CONSUMED
from services.portal.notifications.consumer import TOPICS as PORTAL_CONSUMED
from shared.contracts import events as ev
from shared.contracts import topics
from shared.contracts.envelope import encode
from shared.contracts.periods import today_amsterdam, utcnow
from shared.contracts.vocabulary import (
    Accessibility,
    AgeBand,
    IncomeClass,
    TargetGroup,
    TenantType,
)

pytestmark = [pytest.mark.kafka, pytest.mark.e2e, pytest.mark.slow]

SOURCE = "urn:woonregie:tests:poison"
OVERSIZED = 900_000

PORTAL = "portal-notifications"
# consumer name (in the DLQ letter and the ledger) -> (service database, consumer group)
GROUP_CONSUMERS = {
    "registry.vacancy-feed": ("registry", "registry-feed"),
    "intake.placements": ("intake", "intake"),
    "intake.urgency-inputs": ("intake", "intake"),  # agreements (validity) and lapses
    PORTAL: (PORTAL, PORTAL),  # the portal's notices: their own database and group
    "allocation.inputs": ("allocation", "allocation"),
}
MONITORING = "monitoring.read-model"

# every consumed topic -> every consumer of it
CONSUMERS = {
    topics.VACANCY_FEED.name: {"registry.vacancy-feed"},
    topics.MUNICIPALITIES.name: {"allocation.inputs", MONITORING},
    topics.DWELLINGS.name: {MONITORING},
    topics.VACANCIES.name: {"allocation.inputs", MONITORING},
    topics.AGREEMENTS.name: {"allocation.inputs", "intake.urgency-inputs", MONITORING},
    topics.CANDIDATES.name: {"allocation.inputs", PORTAL, MONITORING},
    topics.PROPOSALS.name: {"intake.urgency-inputs", PORTAL, MONITORING},
    topics.ALERTS.name: {PORTAL},
    topics.PLACEMENTS.name: {"intake.placements", MONITORING},
    topics.WOONZORGVISIE.name: {MONITORING},
}
BAD_KINDS = {  # kind -> a phrase the DLQ reason must hold
    "malformed": "not JSON",
    "truncated": "not JSON",
    "oversized": "not JSON",
    "wrong-version": "unsupported major version v9",
    "unknown-type": "unknown event type",
}


def test_a_dead_letter_of_an_oversized_message_fits_the_dlq():
    from shared.messaging.dlq import DeadLetter

    for raw in (b"x" * OVERSIZED, b"\x01" * OVERSIZED, bytes(range(256)) * 4000):
        letter = DeadLetter(topics.VACANCY_FEED.name, 0, 7, b"key", raw, [], "test", "not JSON")
        document = letter.document()
        assert len(json.dumps(document).encode()) < 1_000_000
        assert document["rawTruncated"] and document["rawSize"] == len(raw)


def test_the_table_covers_every_consumed_topic():
    consumed = {topics.VACANCY_FEED.name, topics.PLACEMENTS.name}  # registry's and intake's
    consumed |= {t.name for t in ALLOCATION_CONSUMED} | {t.name for t in MONITORING_CONSUMED}
    consumed |= set(PORTAL_CONSUMED)
    assert set(CONSUMERS) == consumed
    for name, consumers in CONSUMERS.items():
        assert (MONITORING in consumers) == (name in {t.name for t in MONITORING_CONSUMED})
        assert ("allocation.inputs" in consumers) == (
            name in {t.name for t in ALLOCATION_CONSUMED})


def marker_event(topic: str, feed_bag_id: str, municipality: ev.MunicipalityUpserted
                 ) -> ev.Event:
    """A valid event for `topic` that its consumers process without side effects elsewhere."""
    today = today_amsterdam()
    fake = str(uuid.uuid4())
    facts = ev.DwellingFacts(bag_id=new_bag_id(), municipality="GM0014", corporation="lefier",
                             rooms=2, monthly_rent=500.0, accessibility=Accessibility.GEEN)
    return {
        topics.VACANCY_FEED.name: lambda: ev.FeedVacancyReported(
            corporation="lefier", bag_id=feed_bag_id, action="announced",
            available_from=today + timedelta(days=30)),
        topics.MUNICIPALITIES.name: lambda: municipality,
        topics.DWELLINGS.name: lambda: ev.DwellingUpserted(dwelling=facts),
        topics.VACANCIES.name: lambda: ev.VacancyLet(
            vacancy_id=fake, bag_id=facts.bag_id, municipality="GM0014", corporation="lefier",
            tenant_type=TenantType.REGULAR, let_on=today),
        topics.AGREEMENTS.name: lambda: ev.AgreementPublished(
            scope="province", period="2019", version=1,
            period_start=today.replace(year=2019, month=1, day=1),
            period_end=today.replace(year=2019, month=12, day=31), urgent_share=0.1,
            cap_share=0.5, key_weights={"population": 1.0}, expected_lettings=0,
            categories=[ev.CategoryRule(category=TargetGroup.MEDISCH, validity_days=90)],
            municipalities=["GM0014"], targets=[ev.MunicipalityTarget(
                municipality="GM0014", key=1.0, base_target=0, carry_over=0, target=0,
                expected_lettings=0.0)]),
        topics.CANDIDATES.name: lambda: ev.CandidateRegistered(
            candidate_id=fake, registered_on=today, profile=ev.CandidateProfile(
                age_band=AgeBand.FROM_45, household_size=1, income_class=IncomeClass.PASSEND,
                target_group=TargetGroup.MEDISCH, needs=ev.Needs(),
                registration_municipality="GM0014", registered_by="poison-test")),
        topics.PROPOSALS.name: lambda: ev.VacancyLabelled(
            vacancy_id=fake, bag_id=facts.bag_id, municipality="GM0014", labelled=False,
            reason="test marker", decided_on=today),
        topics.ALERTS.name: lambda: ev.ProposalStalled(
            scope="province", proposal_id=fake, vacancy_id=fake, municipality="GM0014",
            open_days=1),
        topics.PLACEMENTS.name: lambda: ev.CandidatePlaced(
            placement_id=fake, proposal_id=fake, vacancy_id=fake, bag_id=facts.bag_id,
            candidate_id=fake, municipality="GM0014", origin_municipality="GM0014",
            target_group=TargetGroup.MEDISCH, move_in_date=today),
        topics.WOONZORGVISIE.name: lambda: ev.WoonzorgvisieImported(
            import_id=fake, kind="need-rates", version=1, org="poison-test", source="marker",
            imported_at=utcnow(), rates=[ev.NeedRate(age_band="75+", housing_type="nultreden",
                                                     rate=0.1)]),
    }[topic]()


def bad_messages(marker: ev.Event) -> dict[str, bytes]:
    valid = json.loads(encode(marker, source=SOURCE))
    wrong_version = dict(valid, id=str(uuid.uuid4()),
                         type=valid["type"].rsplit(".v", 1)[0] + ".v9")
    unknown = dict(valid, id=str(uuid.uuid4()), type="nl.woonregie.registry.no-such-thing.v1")
    whole = json.dumps(dict(valid, id=str(uuid.uuid4()))).encode()
    return {
        "malformed": b"{this is not json",
        "truncated": whole[: len(whole) // 2],
        "oversized": b'{"specversion": "1.0", "padding": "' + b"x" * OVERSIZED,
        "wrong-version": json.dumps(wrong_version).encode(),
        "unknown-type": json.dumps(unknown).encode(),
    }


def monitoring_counts(platform, topic: str) -> dict[str, float]:
    text = platform.client("monitoring").get("/metrics").text
    counts = metric_values(text, "woonregie_monitoring_events_processed_total")
    return {dict(labels)["outcome"]: value for labels, value in counts.items()
            if dict(labels)["topic"] == topic}


def monitoring_lag(platform) -> dict[str, float]:
    text = platform.client("monitoring").get("/metrics").text
    return {dict(labels)["topic"]: value
            for labels, value in metric_values(text, "woonregie_monitoring_consumer_lag").items()}


def test_bad_messages_on_every_consumed_topic_go_to_the_dlq_and_consumers_keep_going(
        live_platform):
    platform = live_platform
    run = uuid.uuid4().hex[:8]
    corporation = platform.token("lefier", "corporation")
    feed_bag_id = new_bag_id()
    with platform.client("registry") as registry:
        response = registry.put(f"/v1/dwellings/{feed_bag_id}", json=dwelling_body(),
                                headers=corporation)
        assert response.status_code == 201, response.text
    municipality = next(m.event for m in reversed(
        consume_all(platform.bootstrap, topics.MUNICIPALITIES.name))
        if m.received and m.key == "GM0014")
    municipality_marker = ev.MunicipalityUpserted(**municipality.model_dump())
    wait_until(lambda: platform.client("monitoring").get("/v1/filter-options").json()[
        "replayComplete"], 60, what="monitoring replayed")

    markers: dict[str, str] = {}  # topic -> marker event id
    keys: dict[str, dict[str, str]] = {}  # topic -> kind -> key
    before = {name: monitoring_counts(platform, name) for name in CONSUMERS}
    for name in CONSUMERS:
        marker = marker_event(name, feed_bag_id, municipality_marker)
        keys[name] = {}
        for kind, value in bad_messages(marker).items():
            key = f"poison-{run}-{kind}"
            keys[name][kind] = key
            produce(platform.bootstrap, name, key, value, partition=0)
        markers[name] = str(uuid.uuid4())
        produce(platform.bootstrap, name, marker.key(),
                encode(marker, source=SOURCE, event_id=markers[name]), partition=0)

    # every bad message is in the DLQ, once per consumer, with the reason
    for name, consumers in CONSUMERS.items():
        expected = {(key, consumer) for key in keys[name].values() for consumer in consumers}

        def letters(name=name):
            found = {}
            for message in consume_all(platform.bootstrap, f"{name}.dlq", timeout=30):
                document = json.loads(message.value)
                pair = (message.key, document["consumer"])
                if message.key and message.key.startswith(f"poison-{run}-"):
                    found.setdefault(pair, []).append(document)
            return found

        found = wait_until(lambda: (f := letters()) and expected <= set(f) and f, 120, 1,
                           f"dead letters of {name}")
        assert set(found) == expected, (name, sorted(set(found) ^ expected))
        for (key, consumer), documents in found.items():
            assert len(documents) == 1, (name, key, consumer, len(documents))
            document = documents[0]
            kind = key.removeprefix(f"poison-{run}-")
            assert document["originalTopic"] == name
            assert BAD_KINDS[kind] in document["error"], (name, kind, document["error"])
            assert document["offset"] is not None and document["time"]

    # every consumer went on past them: the marker is processed
    for name, consumers in CONSUMERS.items():
        for consumer in consumers - {MONITORING}:
            service = GROUP_CONSUMERS[consumer][0]
            wait_until(lambda: markers[name] in ledger_ids(platform.sqlite(service), consumer),
                       60, 0.5, f"{consumer} processed the marker on {name}")
        if MONITORING in consumers:
            def counted(name=name):
                now = monitoring_counts(platform, name)
                was = before[name]
                # the marker, and on some topics what the services made of other markers
                # (registry republishes the feed marker as a vacancy, allocation labels it)
                return (now.get("dead-lettered", 0) - was.get("dead-lettered", 0) == 5
                        and now.get("applied", 0) + now.get("duplicate", 0)
                        - was.get("applied", 0) - was.get("duplicate", 0) >= 1)
            wait_until(counted, 60, 0.5, f"monitoring read past the bad messages on {name}")

    # and the lag is back to 0
    for consumer, (service, group) in GROUP_CONSUMERS.items():
        consumed = [name for name, consumers in CONSUMERS.items() if consumer in consumers]
        wait_until(lambda: not any(group_lag(platform.bootstrap, group, consumed).values()),
                   60, 1, f"lag of group {group} back to 0")
    wait_until(lambda: (lag := monitoring_lag(platform)) and not any(lag.values()), 60, 1,
               "monitoring lag back to 0")
    lag = monitoring_lag(platform)
    assert set(lag) == {t.name for t in MONITORING_CONSUMED}

    # the feed marker became a vacancy, published once
    vacancies = [m for m in consume_all(platform.bootstrap, topics.VACANCIES.name)
                 if m.key == feed_bag_id and m.received]
    assert len({m.received.id for m in vacancies}) == 1
