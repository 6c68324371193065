"""The whole platform: from agreement and intake to placement and realisation, over real HTTP
and the real broker. The scenario runs against `woonregie run`'s local processes (always) and
against the docker-compose stack through pytest-docker (where a Docker engine exists; CI has
none). Then Ctrl-C on `woonregie run` leaves nothing running."""

from __future__ import annotations

import os
import random
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from platform_process import RunningPlatform, start_platform
from reliability.reliability_helpers import group_lag

from services.intake.domain.bsn import fake_bsn
from shared.contracts import topics
from shared.contracts.periods import today_amsterdam
from shared.local.services import SERVICES
from shared.settings import REPO_ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

CARE_PROVIDER = "demo-beschermd-wonen-stad"  # serves GM0014 in the reference data
CORPORATION = "lefier"


@pytest.fixture(scope="module")
def local_platform(tmp_path_factory):
    running = start_platform(tmp_path_factory.mktemp("platform"))
    yield running
    running.stop()


class ComposePlatform:
    """The compose stack as the scenario sees it: HTTPS through the proxy on the published
    ports (certificate of the CA deploy/make-secrets.sh made), tokens via `woonregie tokens
    issue` inside the registry container."""

    PORTS = {"registry": 8001, "intake": 8002, "allocation": 8003, "monitoring": 8004}

    def __init__(self, services, ca: Path):
        self.services = services
        self.ca = ca

    def client(self, service: str) -> httpx.Client:
        return httpx.Client(base_url=f"https://localhost:{self.PORTS[service]}", timeout=20,
                            verify=ssl.create_default_context(cafile=str(self.ca)))

    def token(self, org: str, role: str) -> dict[str, str]:
        output = self.services._docker_compose.execute(
            f"exec -T registry woonregie tokens issue --org {org} --role {role}")
        return {"Authorization": f"Bearer {output.decode().strip().splitlines()[-1]}"}


def docker_engine_available() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True).returncode == 0


@pytest.fixture(scope="module", params=["local", "compose"])
def platform(request):
    if request.param == "local":
        return request.getfixturevalue("local_platform")
    if not docker_engine_available():
        pytest.skip("no Docker engine here: the same scenario runs against woonregie run")
    secrets = REPO_ROOT / "secrets"  # the files docker-compose.yml reads its secrets from
    subprocess.run(["sh", str(REPO_ROOT / "deploy" / "make-secrets.sh"), str(secrets),
                    "localhost"], check=True)
    services = request.getfixturevalue("docker_services")
    stack = ComposePlatform(services, secrets / "kafka_ca.pem")
    services.wait_until_responsive(
        check=lambda: all(_healthy(stack, name) for name in ComposePlatform.PORTS),
        timeout=300.0, pause=2.0)
    return stack


def _healthy(stack: ComposePlatform, service: str) -> bool:
    try:
        return stack.client(service).get("/v1/health").status_code == 200
    except httpx.HTTPError:
        return False


def poll(fetch, until, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if until(value):
            return value
        assert time.monotonic() < deadline, f"gave up waiting; last value: {value}"
        time.sleep(0.5)


def test_vacancy_to_placement_shows_up_in_realisation(platform):
    today = today_amsterdam()
    period = str(today.year)
    province = platform.token("provincie-groningen", "province")
    corporation = platform.token(CORPORATION, "corporation")
    care = platform.token(CARE_PROVIDER, "care-provider")
    municipality = platform.token("GM0014", "municipality")
    registry, intake = platform.client("registry"), platform.client("intake")
    allocation, monitoring = platform.client("allocation"), platform.client("monitoring")

    agreement = registry.put(f"/v1/agreements/province/{period}", headers=province, json={
        "urgentShare": 0.3, "expectedLettings": 1000,
        "keyWeights": {"population": 1.0, "socialStock": 0.0, "lettings": 0.0},
        "categories": [{"category": "beschermd-wonen", "validityDays": 180}],
    })
    assert agreement.status_code == 201, agreement.text

    candidate = intake.post("/v1/candidates", headers=care, json={
        "bsn": fake_bsn(), "name": "Test Persoon", "birthYear": 1980,
        "householdSize": 1, "yearlyIncome": 21000, "targetGroup": "beschermd-wonen",
        "needs": {"accessibility": "geen", "ambulantSupport": True, "careProvider": CARE_PROVIDER},
        "registrationMunicipality": "GM0014", "availableFrom": str(today),
    })
    assert candidate.status_code == 201, candidate.text
    candidate_id = candidate.json()["id"]
    granted = intake.post(f"/v1/candidates/{candidate_id}/urgency-decisions",
                          headers=municipality,
                          json={"decision": "granted", "category": "beschermd-wonen",
                                "reason": "uitstroom beschermd wonen"})
    assert granted.status_code in (200, 201), granted.text
    if isinstance(platform, RunningPlatform):
        # topics carry no order between them: let the allocation worker catch up first
        watched = [topics.CANDIDATES.name, topics.AGREEMENTS.name, topics.MUNICIPALITIES.name]
        poll(lambda: group_lag(platform.bootstrap, "allocation", watched),
             lambda lag: not any(lag.values()), timeout=120)
    poll(lambda: monitoring.get("/v1/flows", headers=province,
                                params={"period": period, "scope": "GM0014"}).json(),
         lambda body: sum(row.get("urgencyGranted") or 0 for row in body["months"]) >= 1)

    bag_id = f"{random.randrange(10**15, 10**16)}"
    dwelling = registry.put(f"/v1/dwellings/{bag_id}", headers=corporation, json={
        "municipality": "GM0014", "rooms": 3, "monthlyRent": 600.0,
        "accessibility": "nultreden", "careSuitable": True,
    })
    assert dwelling.status_code in (200, 201), dwelling.text
    vacancy = registry.post("/v1/vacancies", headers=corporation,
                            json={"bagId": bag_id, "availableFrom": str(today)})
    assert vacancy.status_code == 201, vacancy.text

    proposals = poll(lambda: allocation.get("/v1/proposals", headers=corporation,
                                            params={"status": "open"}).json()["items"],
                     lambda items: any(p["bagId"] == bag_id for p in items))
    proposal = next(p for p in proposals if p["bagId"] == bag_id)
    assert proposal["candidateId"] == candidate_id
    detail = allocation.get(f"/v1/proposals/{proposal['id']}", headers=corporation).json()
    assert detail["explanation"]["ranked"][0]["candidateId"] == candidate_id

    for who, headers in (("corporation", corporation), ("candidate", care)):
        answer = allocation.post(f"/v1/proposals/{proposal['id']}/responses", headers=headers,
                                 json={"decision": "accepted", "decidedBy": who})
        assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "accepted"
    moved = allocation.post(f"/v1/proposals/{proposal['id']}/move-in", headers=corporation,
                            json={"date": str(today)})
    assert moved.status_code == 201, moved.text

    realisation = poll(
        lambda: monitoring.get("/v1/realisation", headers=province,
                               params={"period": period, "scope": "GM0014"}).json(),
        lambda body: any(row["municipality"] == "GM0014" and row["realised"] >= 1
                         for row in body["municipalities"]))
    row = next(r for r in realisation["municipalities"] if r["municipality"] == "GM0014")
    assert row["target"] > 0


def test_ctrl_c_stops_every_process(local_platform):
    platform = local_platform
    pids = platform.recorded_pids()
    workers = sum(spec.has_worker for spec in SERVICES.values())
    # the launcher, the broker, every API (the portal too), the allocation worker
    assert len(pids) == 2 + len(SERVICES) + workers
    platform.stop()
    assert platform.process.returncode == 0
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not list(platform.run_dir.glob("*.pid"))
