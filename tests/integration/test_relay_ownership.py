"""Operations of the outbox (issue 14):

- one relay per outbox: allocation's API and worker each run a relay over one database; only
  the lease holder publishes, so every event is on its topic once (SQLite and PostgreSQL), and
  the other takes over when the holder stops;
- after a broker outage a service publishes within seconds of the broker's return (bounded
  reconnect backoff, `WOONREGIE_KAFKA_RECONNECT_BACKOFF_MAX_MS`), written through intake's HTTP:
  the relay's producer, idle during the outage, kept reconnecting with kafka-python's default
  backoff (growing to 30 s), and held the first write after the return that long.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from kafka_helpers import consume_all
from platform_fixtures import service_settings
from reliability.reliability_helpers import candidate_body
from sqlalchemy import MetaData

from shared.contracts.events import VacancyWithdrawn
from shared.contracts.topics import CANDIDATES, VACANCIES
from shared.db import make_engine
from shared.local.broker import LocalBroker
from shared.local.services import SERVICES
from shared.messaging.kafka_admin import ensure_topics
from shared.messaging.uow import InfraTables
from shared.migrations import upgrade
from shared.runtime import Runtime
from shared.settings import WoonregieSettings

pytestmark = pytest.mark.kafka


def runtime_on(database_url: str, bootstrap: str, poll_seconds: float = 0.05) -> Runtime:
    """A runtime of one service (same name, same database), as its API or worker builds it."""
    metadata = MetaData()
    infra = InfraTables.on(metadata)
    engine = make_engine(database_url)
    metadata.create_all(engine)
    settings = WoonregieSettings(service_name="relay-test", kafka_bootstrap=bootstrap,
                                 outbox_poll_seconds=poll_seconds)
    return Runtime(settings=settings, engine=engine, infra=infra)


def emit(runtime: Runtime, n: int) -> str:
    with runtime.uow() as uow:
        event_id = uow.emit(VacancyWithdrawn(
            vacancy_id=f"lease-{n}", bag_id=f"{n:016d}", municipality="GM0014",
            corporation="lefier", withdrawn_on="2026-03-01"))
        uow.commit()
    return event_id


def wait_until(condition, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"{what} not within {timeout} s"
        time.sleep(0.05)
    return time.monotonic() - started


def copies(bootstrap: str, emitted: list[str]) -> Counter:
    wanted = set(emitted)
    messages = consume_all(bootstrap, VACANCIES.name, timeout=30)
    return Counter(m.received.id for m in messages
                   if m.received is not None and m.received.id in wanted)


def test_two_relays_over_one_outbox_publish_every_event_once(kafka_bootstrap, database_url):
    api, worker = runtime_on(database_url, kafka_bootstrap), runtime_on(database_url,
                                                                         kafka_bootstrap)
    api.relay.start()
    worker.relay.start()
    emitted = []
    try:
        for n in range(120):  # both write, and every commit wakes both relays
            emitted.append(emit(api if n % 2 else worker, n))
            api.relay.wake()
            worker.relay.wake()
            time.sleep(0.01)
        wait_until(lambda: api.relay.pending_count() == 0, 60, "outbox published")
        # the lease holder stops (its process ends): the other relay takes over
        owner, standby = (api, worker) if api.relay.lease.held() else (worker, api)
        owner.relay.stop()
        emitted += [emit(owner, n) for n in range(120, 140)]
        wait_until(lambda: standby.relay.pending_count() == 0, 30, "standby took over")
    finally:
        api.relay.stop()
        worker.relay.stop()
    published = copies(kafka_bootstrap, emitted)
    assert set(published) == set(emitted)
    assert [i for i, n in published.items() if n > 1] == [], "events published twice"


def test_a_commit_beside_the_lease_holder_is_published_at_once_not_at_its_next_poll(
        kafka_bootstrap, tmp_path):
    """The worker's commits rang only its own relay; when the API's relay held the lease they
    waited for its next poll. Now every commit rings the holder's bell."""
    database_url = f"sqlite:///{tmp_path / 'bell.db'}"
    holder = runtime_on(database_url, kafka_bootstrap, poll_seconds=30)
    beside = runtime_on(database_url, kafka_bootstrap, poll_seconds=30)
    holder.relay.start()
    # (asked from the test's thread, `lease.held()` would race the relay's for the lease)
    wait_until(lambda: holder.relay.bell.listening, 10, "the lease taken")
    beside.relay.start()
    try:
        time.sleep(0.5)  # both relays wait now: the holder for 30 s, unless rung
        assert not beside.relay.bell.listening
        took = []
        for n in range(200, 203):
            emit(beside, n)  # its unit of work's commit rings the bell
            took.append(wait_until(lambda: holder.relay.pending_count() == 0, 10, "published"))
    finally:
        beside.relay.stop()
        holder.relay.stop()
    assert max(took) < 2.0


def test_a_writer_holding_the_lock_delays_the_marking_but_not_the_publishing(
        kafka_bootstrap, tmp_path):
    """The worker holds SQLite's write lock a batch at a time; a relay that waited for it to
    mark its rows published starved, and every row behind them waited with it."""
    database_url = f"sqlite:///{tmp_path / 'busy.db'}"
    runtime = runtime_on(database_url, kafka_bootstrap, poll_seconds=30)
    event_id = emit(runtime, 300)  # committed before the relay runs
    writer = runtime.engine.connect()  # BEGIN IMMEDIATE: the write lock, as a worker's batch
    writer.exec_driver_sql("SELECT 1")
    try:
        runtime.relay.start()
        sent = on_topic(kafka_bootstrap, event_id, within=5)
        unmarked = runtime.relay.pending_count()
    finally:
        writer.rollback()
        writer.close()
    try:
        assert sent, "not published while another writer held the lock"
        assert unmarked == 1, "marked although the lock was held"
        wait_until(lambda: runtime.relay.pending_count() == 0, 5, "marked once the lock was free")
    finally:
        runtime.relay.stop()


def on_topic(bootstrap: str, event_id: str, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if event_id in copies(bootstrap, [event_id]):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def own_broker(tmp_path):
    """A broker of this test alone: the test kills it."""
    broker = LocalBroker(tmp_path / "kafka")
    broker.start()
    ensure_topics(broker.bootstrap)
    yield broker
    broker.stop()


def test_intake_publishes_within_seconds_of_the_broker_returning(
        own_broker, tmp_path, auth_db_url, tokens):
    settings = service_settings("intake", tmp_path, own_broker.bootstrap, auth_db_url)
    upgrade(SERVICES["intake"].migrations, settings.db_url())
    from services.intake.api.app import create_app

    provider = tokens.issue("Lentis", "care-provider")
    with TestClient(create_app(settings)) as intake:
        first = intake.post("/v1/candidates", json=candidate_body(), headers=provider)
        assert first.status_code == 201, first.text
        outbox = intake.app.state.runtime.relay
        wait_until(lambda: outbox.pending_count() == 0, 30, "first candidate published")

        own_broker.kill()
        time.sleep(30)  # an idle producer keeps reconnecting: an unbounded backoff grows
        own_broker.start()
        returned = time.monotonic()
        second = intake.post("/v1/candidates", json=candidate_body(), headers=provider)
        assert second.status_code == 201, second.text
        wait_until(lambda: outbox.pending_count() == 0, 60, "published after the return")
        took = time.monotonic() - returned
    print(f"published {took:.1f} s after the broker returned")
    assert took < 5.0
    ids = {m.received.event.candidate_id for m in consume_all(
        own_broker.bootstrap, CANDIDATES.name, timeout=20, expect=2)}
    assert {first.json()["id"], second.json()["id"]} <= ids
