"""`woonregie rebuild allocation`, run as a subprocess against a broker of this module's own:
traffic through the real worker (a process) and the API (answers, a decline with its
follow-up proposal, a move-in), then the rebuild from the topics into an empty database; an
allocation API on the rebuilt database answers every proposal and placement as the live one
does, its aggregate (vacancies, candidates, proposals, counts) equals the live one, nothing
is left to publish again, a poison record is skipped and counted, and a second
rebuild (--force) gives the same."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from allocation_it import (
    WorkerProcesses,
    eventually,
    live_scenario,
    processed,
    publish,
    setup_events,
    vacancy_event,
)
from fastapi.testclient import TestClient
from kafka_helpers import produce
from platform_fixtures import POSTGRES_URL, fresh_postgres_database, service_settings
from sqlalchemy import create_engine, text

from shared.contracts import events as ev
from shared.contracts.topics import CANDIDATES
from shared.contracts.vocabulary import PROVINCE_SCOPE, IncomeClass, TargetGroup
from shared.settings import REPO_ROOT

pytestmark = pytest.mark.kafka


@contextlib.contextmanager
def allocation_api(tmp_path, bootstrap, auth_db_url, database_url):
    from services.allocation.api.app import create_app

    settings = service_settings("allocation", tmp_path, bootstrap, auth_db_url, database_url)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def candidate_events(scenario, today, candidate_id, waited_days):
    registered = scenario.candidate(candidate_id, income_class=IncomeClass.DAEB)
    urgency = ev.UrgencyGranted(candidate_id=candidate_id, municipality=scenario.code,
                                category=TargetGroup.DAKLOOS_GEZIN,
                                granted_on=today - timedelta(days=waited_days),
                                valid_until=today + timedelta(days=60))
    return [registered, urgency]


def answers(api, headers) -> dict:
    """Everything allocation's API tells an administrator about proposals and placements."""
    proposals = api.get("/v1/proposals", params={"pageSize": 100}, headers=headers)
    placements = api.get("/v1/placements", params={"pageSize": 100}, headers=headers)
    assert proposals.status_code == placements.status_code == 200, proposals.text
    ids = [item["id"] for item in proposals.json()["items"]]
    return {"proposals": proposals.json(), "placements": placements.json(),
            "details": [api.get(f"/v1/proposals/{i}", headers=headers).json() for i in ids]}


def open_proposal(api, headers, candidate_id: str) -> str:
    items = api.get("/v1/proposals", params={"status": "open"}, headers=headers).json()["items"]
    found = [item["id"] for item in items if item["candidateId"] == candidate_id]
    return found[0] if found else None


def aggregate(database_url: str, tmp_path, auth_db_url) -> dict:
    """The scope's whole aggregate (vacancies, candidates, proposals, counts) through the
    service's repository, as comparable data."""
    from services.allocation.bootstrap import bootstrap

    settings = service_settings("allocation", tmp_path, "127.0.0.1:1", auth_db_url,
                                database_url)
    runtime = bootstrap(settings)
    try:
        with runtime.uow() as uow:
            return uow.allocators.get(PROVINCE_SCOPE).snapshot()
    finally:
        runtime.engine.dispose()


def unpublished(database_url: str) -> int:
    engine = create_engine(database_url)
    with engine.connect() as db:
        count = db.scalar(text("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
    engine.dispose()
    return count


def run_rebuild(bootstrap: str, data_dir, *options: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WOONREGIE_KAFKA_BOOTSTRAP": bootstrap,
           "WOONREGIE_DATA_DIR": str(data_dir), "WOONREGIE_LOG_JSON": "false"}
    return subprocess.run([sys.executable, "-m", "shared.local.cli", "rebuild", "allocation",
                           *options], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=240)


def test_rebuilt_allocation_answers_as_the_live_one(own_broker, tmp_path, auth_db_url, tokens,
                                                    scenario):
    today = live_scenario(scenario)
    scenario.target, scenario.expected_lettings, scenario.cap_share = 10, 10.0, 1.0
    admin = tokens.issue("ops", "admin")
    corporation = tokens.issue(scenario.corporation, "corporation")
    provider = tokens.issue(scenario.registrar, "care-provider")
    first, second, third = (f"cand-{uuid.uuid4().hex[:10]}" for _ in range(3))
    workers = WorkerProcesses(tmp_path, own_broker, auth_db_url)
    try:
        workers.start()
        workers.wait_for_members(1)
        produce(own_broker, CANDIDATES.name, "poison", b"{not an event")
        setup = publish(own_broker, *setup_events(scenario, today, first),
                        *candidate_events(scenario, today, second, 200),
                        *candidate_events(scenario, today, third, 100))
        eventually(lambda: processed(workers.database_url, setup), 30, what="setup")
        publish(own_broker, vacancy_event(scenario, "vac-rebuild-1", "0014010011069001"),
                vacancy_event(scenario, "vac-rebuild-2", "0014010011069002"))

        with allocation_api(tmp_path, own_broker, auth_db_url, workers.database_url) as api:
            accepted = eventually(lambda: open_proposal(api, corporation, first), 30,
                                  what="a proposal to the first candidate")
            declined = eventually(lambda: open_proposal(api, corporation, second), 30,
                                  what="a proposal to the second candidate")
            for headers, party in ((corporation, "corporation"), (provider, "candidate")):
                response = api.post(f"/v1/proposals/{accepted}/responses", headers=headers,
                                    json={"decision": "accepted", "decidedBy": party})
                assert response.status_code == 200, response.text
            moved = api.post(f"/v1/proposals/{accepted}/move-in", headers=corporation,
                             json={"date": (today + timedelta(days=7)).isoformat()})
            assert moved.status_code == 201, moved.text
            response = api.post(f"/v1/proposals/{declined}/responses", headers=corporation,
                                json={"decision": "declined", "decidedBy": "corporation",
                                      "reasonCode": "dwelling-not-suitable"})
            assert response.status_code == 200, response.text
            eventually(lambda: open_proposal(api, corporation, third), 30,
                       what="the declined vacancy proposed to the third candidate")
            eventually(lambda: unpublished(workers.database_url) == 0, 30, what="published")
            live = answers(api, admin)
    finally:
        workers.stop_all()
    assert len(live["details"]) == 3 and len(live["placements"]["items"]) == 1
    live_state = aggregate(workers.database_url, tmp_path, auth_db_url)

    data_dir = tmp_path / "ops"
    done = run_rebuild(own_broker, data_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "proposals: 3 rebuilt, 3 on the topic, 0 differ" in done.stdout, done.stdout
    assert "skipped 1" in done.stdout and "next steps" in done.stdout
    rebuilt_url = f"sqlite:///{data_dir / 'allocation.rebuilt.db'}"
    assert unpublished(rebuilt_url) == 0  # what it emitted is on the topics already
    assert aggregate(rebuilt_url, tmp_path, auth_db_url) == live_state
    with allocation_api(tmp_path / "rebuilt", own_broker, auth_db_url, rebuilt_url) as api:
        assert answers(api, admin) == live

    again = run_rebuild(own_broker, data_dir, "--force")
    assert again.returncode == 0, again.stdout + again.stderr
    with allocation_api(tmp_path / "again", own_broker, auth_db_url, rebuilt_url) as api:
        assert answers(api, admin) == live

    # another target by URL: a PostgreSQL database where CI provides a server
    other_url = fresh_postgres_database() if POSTGRES_URL else f"sqlite:///{tmp_path / 'o.db'}"
    other = run_rebuild(own_broker, data_dir, "--database-url", other_url)
    assert other.returncode == 0, other.stdout + other.stderr
    assert aggregate(other_url, tmp_path, auth_db_url) == live_state
    with allocation_api(tmp_path / "other", own_broker, auth_db_url, other_url) as api:
        assert answers(api, admin) == live
