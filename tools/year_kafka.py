"""The year demo's Kafka side: the corporations' vacancy feed (as a corporation's system sends
it) and a watch on allocation's decisions, so the demo's calendar only moves on once the
platform has decided the day's vacancies."""

from __future__ import annotations

import time
import uuid
from datetime import date

from kafka import KafkaConsumer, KafkaProducer

from services.registry.domain.vacancies import feed_vacancy_id
from shared.contracts import topics
from shared.contracts.envelope import PoisonMessage, decode, encode
from shared.contracts.events import FeedVacancyReported, ProposalExpired, VacancyLabelled
from shared.contracts.vocabulary import TenantType

NAMESPACE = uuid.UUID("5b0c6a43-0a4e-4c52-9d1e-8f3a39f1c0de")  # the year demo's event ids


class VacancyFeed:
    """Announcements and lettings on registry.vacancy-feed.v1, with deterministic CloudEvents
    ids: a second run's records are the same records, and the registry drops them."""

    def __init__(self, bootstrap: str, security: dict):
        self.producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5,
                                      **security)

    def announce(self, corporation: str, bag_id: str, available_from: date,
                 announced_on: date) -> str:
        self._send(FeedVacancyReported(corporation=corporation, bag_id=bag_id,
                                       action="announced", available_from=available_from,
                                       announced_on=announced_on), f"announced:{available_from}")
        return feed_vacancy_id(corporation, bag_id, available_from)

    def let_to_regular(self, corporation: str, bag_id: str, on: date) -> None:
        self._send(FeedVacancyReported(corporation=corporation, bag_id=bag_id, action="let",
                                       tenant_type=TenantType.REGULAR, let_on=on), f"let:{on}")

    def flush(self) -> None:
        self.producer.flush(timeout=30)

    def close(self) -> None:
        self.producer.close(timeout=10)

    def _send(self, record: FeedVacancyReported, what: str) -> None:
        event_id = str(uuid.uuid5(NAMESPACE, f"{record.key()}:{what}"))
        self.producer.send(topics.VACANCY_FEED.name, key=record.key().encode(),
                           value=encode(record, source=f"urn:corporation:{record.corporation}",
                                        event_id=event_id))


class DecisionWatch:
    """Which vacancies allocation has decided (labelled for an urgent candidate or not), read
    from allocation.proposals.v1 from its start; and which proposals the worker's timer
    expired on `today`, the clock's date (the platform's expiry follows the clock, not the
    dates the demo's events carry)."""

    def __init__(self, bootstrap: str, security: dict, today: date | None = None):
        self.consumer = KafkaConsumer(topics.PROPOSALS.name, bootstrap_servers=bootstrap,
                                      auto_offset_reset="earliest", enable_auto_commit=False,
                                      group_id=None, **security)
        self.decided: dict[str, tuple[bool, date]] = {}  # vacancy id -> (labelled, on)
        self.today = today
        self.expired_today: set[str] = set()  # proposal ids

    def wait_for(self, vacancy_ids: set[str], timeout: float) -> set[str]:
        """Waits until every vacancy of `vacancy_ids` is decided; returns those that were not
        within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        missing = vacancy_ids - self.decided.keys()
        while missing and time.monotonic() < deadline:
            self._read(0.1)
            missing = vacancy_ids - self.decided.keys()
        return missing

    def regular(self) -> dict[str, date]:
        """Vacancies decided for a regular seeker (at once, or released when no candidate
        was left), with the day of that decision; reads what has arrived since, without
        waiting for more: a release that comes later is let on a later day."""
        self._read(0)
        return {vid: on for vid, (labelled, on) in self.decided.items() if not labelled}

    def expired_on_the_clock(self, seconds: float = 1.0) -> set[str]:
        """Proposals expired on today's date; reads for a moment to see the latest."""
        self._read(seconds)
        return set(self.expired_today)

    def close(self) -> None:
        self.consumer.close()

    def _read(self, seconds: float) -> None:
        for records in self.consumer.poll(timeout_ms=int(seconds * 1000)).values():
            for record in records:
                try:
                    event = decode(record.value).event
                except PoisonMessage:
                    continue  # not ours to judge; allocation's DLQ has it
                if isinstance(event, VacancyLabelled):  # the latest decision stands
                    self.decided[event.vacancy_id] = (event.labelled, event.decided_on)
                elif isinstance(event, ProposalExpired) and event.expired_on == self.today:
                    self.expired_today.add(event.proposal_id)
