"""The corporations' own feed topics: names from shared.contracts.topics, and the feed adapter's rule
that on such a topic the topic name, not the record, says which corporation wrote it."""

from __future__ import annotations

import re
from datetime import date

import pytest

from services.registry.adapters.feed import corporation_mismatch
from shared.contracts import topics
from shared.contracts.envelope import encode
from shared.contracts.events import FeedVacancyReported
from shared.messaging.consuming import Inbound


def inbound(topic: str, corporation: str) -> Inbound:
    record = FeedVacancyReported(corporation=corporation, bag_id="0014010011067299",
                                 action="announced", available_from=date(2026, 1, 5))
    return Inbound(topic, 0, 1, record.key().encode(),
                   encode(record, source=f"urn:corporation:{corporation}"))


def test_a_corporations_feed_topic_and_its_acl_prefix():
    assert topics.corporation_feed("lefier").name == "registry.feed.lefier.v1"
    assert topics.corporation_feed_prefix("lefier") == "registry.feed.lefier."
    assert topics.corporation_of_feed("registry.feed.lefier.v1") == "lefier"
    for other in ("registry.vacancy-feed.v1", "registry.feed.lefier.v1.dlq",
                  "registry.feed..v1", "registry.dwellings.v1"):
        assert topics.corporation_of_feed(other) is None, other
    # a prefix ends in a dot: lefier's ACL does not cover lefier-noord's topic
    assert not topics.corporation_feed("lefier-noord").name.startswith(
        topics.corporation_feed_prefix("lefier"))
    with pytest.raises(ValueError):
        topics.corporation_feed("Lefier.Noord")


def test_registry_subscribes_to_every_corporations_feed_and_the_shared_one_only():
    pattern = re.compile(topics.FEED_SUBSCRIPTION)
    for name in ("registry.feed.lefier.v1", "registry.feed.nijestee.v1",
                 topics.VACANCY_FEED.name):
        assert pattern.match(name), name
    for name in ("registry.feed.lefier.v1.dlq", topics.VACANCY_FEED.dlq.name,
                 topics.VACANCIES.name, "registry.feed.lefier.v2"):
        assert not pattern.match(name), name


def test_dead_letters_of_every_corporations_feed_go_to_the_feeds_dlq():
    assert topics.dlq_of("registry.feed.lefier.v1") == topics.VACANCY_FEED.dlq
    assert topics.dlq_of(topics.VACANCIES.name) == topics.VACANCIES.dlq


def test_a_record_claiming_another_corporation_than_its_topic_is_refused():
    reason = corporation_mismatch(inbound("registry.feed.lefier.v1", "nijestee"))
    assert reason == ("corporation 'nijestee' in the record, but registry.feed.lefier.v1 is "
                      "the feed of 'lefier'")


def test_a_record_of_the_topics_own_corporation_or_on_the_shared_feed_passes():
    assert corporation_mismatch(inbound("registry.feed.lefier.v1", "lefier")) is None
    assert corporation_mismatch(inbound(topics.VACANCY_FEED.name, "nijestee")) is None
    poison = Inbound("registry.feed.lefier.v1", 0, 2, b"k", b"not json")
    assert corporation_mismatch(poison) is None  # the processor dead-letters it as poison
