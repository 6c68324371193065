"""The corporations' own feed topics behind the broker's ACLs (issue 14).

A broker with the StandardAuthorizer: the services' user is a super user, each corporation
has a SCRAM user with a PREFIXED write ACL on `registry.feed.<corporation>.`. A corporation
writes its own feed and is refused on another's; registry reads every feed by pattern, takes
the corporation from the topic name and dead-letters a record that claims another one.
"""

from __future__ import annotations

import importlib
import json
import uuid
from datetime import date

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaProducer
from kafka.errors import TopicAuthorizationFailedError
from kafka_helpers import consume_all
from platform_fixtures import service_settings
from registry_helpers import in_days, put_dwelling, runtime_of, wait_until

from services.registry.bootstrap import FEED_CONSUMER
from shared.contracts import topics
from shared.contracts.envelope import encode
from shared.contracts.events import FeedVacancyReported
from shared.local.broker import LocalBroker
from shared.local.services import SERVICES
from shared.messaging.kafka_admin import ensure_topics, grant_corporation_feed
from shared.migrations import upgrade

pytestmark = pytest.mark.kafka
SERVICE_USER = "woonregie"
CORPORATIONS = ("lefier", "nijestee")
PASSWORDS = {SERVICE_USER: "svc-" + uuid.uuid4().hex[:12],
             **{f"feed-{c}": "feed-" + uuid.uuid4().hex[:12] for c in CORPORATIONS}}
DLQ = topics.VACANCY_FEED.dlq.name


def feed_of(corporation: str) -> str:
    return topics.corporation_feed(corporation).name


@pytest.fixture(scope="module")
def acl_broker(tmp_path_factory):
    broker = LocalBroker(tmp_path_factory.mktemp("acl") / "kafka", sasl_users=PASSWORDS,
                         sasl_mechanism="SCRAM-SHA-512", super_users=[SERVICE_USER])
    broker.start()
    try:
        admin = broker.client_security(SERVICE_USER)
        feeds = [topics.corporation_feed(c) for c in CORPORATIONS]
        ensure_topics(broker.bootstrap, [*topics.ALL_TOPICS, *feeds], **admin)
        for corporation in CORPORATIONS:
            grant_corporation_feed(broker.bootstrap, corporation, f"feed-{corporation}", **admin)
        yield broker
    finally:
        broker.stop()


@pytest.fixture
def feed_producer(acl_broker):
    """A corporation's producer, logged in as that corporation's Kafka user."""
    producers = []

    def make(corporation: str) -> KafkaProducer:
        producer = KafkaProducer(bootstrap_servers=acl_broker.bootstrap, acks="all",
                                 max_block_ms=10_000,
                                 **acl_broker.client_security(f"feed-{corporation}"))
        producers.append(producer)
        return producer
    yield make
    for producer in producers:
        producer.close(timeout=2)


def announcement(corporation: str, bag_id: str) -> FeedVacancyReported:
    return FeedVacancyReported(corporation=corporation, bag_id=bag_id, action="announced",
                               available_from=date.fromisoformat(in_days(14)))


def send(producer: KafkaProducer, topic: str, record: FeedVacancyReported) -> None:
    value = encode(record, source=f"urn:corporation:{record.corporation}",
                   event_id=str(uuid.uuid4()))
    producer.send(topic, key=record.key().encode(), value=value).get(timeout=20)


def test_a_corporation_writes_its_own_feed_and_is_refused_on_anothers(feed_producer):
    lefier = feed_producer("lefier")
    send(lefier, feed_of("lefier"), announcement("lefier", "0014010011067299"))
    for foreign in (feed_of("nijestee"), topics.VACANCY_FEED.name, DLQ):
        with pytest.raises(TopicAuthorizationFailedError):
            send(lefier, foreign, announcement("lefier", "0014010011067299"))


@pytest.fixture
def registry(acl_broker, tmp_path, auth_db_url):
    settings = service_settings(
        "registry", tmp_path, acl_broker.bootstrap, auth_db_url,
        kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username=SERVICE_USER, kafka_sasl_password=PASSWORDS[SERVICE_USER],
        feed_consumer_group=f"registry-feed-{uuid.uuid4().hex[:8]}")
    upgrade(SERVICES["registry"].migrations, settings.db_url())
    module = importlib.import_module(SERVICES["registry"].api_factory.split(":")[0])
    with TestClient(module.create_app(settings), raise_server_exceptions=False) as client:
        yield client


def open_vacancies(client, headers, bag_id: str) -> list[dict]:
    items = client.get("/v1/vacancies", params={"pageSize": 500}, headers=headers).json()["items"]
    return [v for v in items if v["bagId"] == bag_id and v["status"] == "open"]


def test_registry_reads_every_feed_and_dead_letters_a_record_claiming_another_corporation(
        acl_broker, registry, tokens, feed_producer):
    lefier_token, nijestee_token = (tokens.issue(c, "corporation") for c in CORPORATIONS)
    mine = put_dwelling(registry, lefier_token)
    theirs, their_own = put_dwelling(registry, nijestee_token), put_dwelling(registry,
                                                                          nijestee_token)
    lefier = feed_producer("lefier")
    send(lefier, feed_of("lefier"), announcement("nijestee", theirs))  # claims nijestee
    send(lefier, feed_of("lefier"), announcement("lefier", mine))
    send(feed_producer("nijestee"), feed_of("nijestee"), announcement("nijestee", their_own))

    wait_until(lambda: open_vacancies(registry, lefier_token, mine), timeout=45)
    wait_until(lambda: open_vacancies(registry, nijestee_token, their_own), timeout=45)
    security = acl_broker.client_security(SERVICE_USER)
    letters = wait_until(lambda: [json.loads(m.value) for m in consume_all(
        acl_broker.bootstrap, DLQ, timeout=20, **security) if m.key == f"nijestee:{theirs}"],
        timeout=45)
    [letter] = letters
    assert letter["originalTopic"] == feed_of("lefier")
    assert letter["consumer"] == FEED_CONSUMER
    assert "corporation 'nijestee' in the record" in letter["error"]
    assert "feed of 'lefier'" in letter["error"]
    assert open_vacancies(registry, nijestee_token, theirs) == []
    assert runtime_of(registry).feed.processor.counts["handled"] == 2
