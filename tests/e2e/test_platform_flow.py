"""The whole platform as `make run` starts it: from agreement and intake to placement and
realisation, over real HTTP and the real broker; then Ctrl-C leaves nothing running."""

from __future__ import annotations

import os
import random
import time

import pytest

from platform_process import start_platform
from shared.periods import today_amsterdam

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

CARE_PROVIDER = "demo-beschermd-wonen-stad"  # serves GM0014 in the reference data
CORPORATION = "lefier"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    running = start_platform(tmp_path_factory.mktemp("platform"))
    yield running
    running.stop()


def valid_bsn(rng: random.Random) -> str:
    while True:
        head = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        last = sum(w * d for w, d in zip(range(9, 1, -1), head)) % 11
        if last < 10:
            return "".join(map(str, head)) + str(last)


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
        "bsn": valid_bsn(random.Random()), "name": "Test Persoon", "birthYear": 1980,
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


def test_ctrl_c_stops_every_process(platform):
    pids = platform.recorded_pids()
    assert len(pids) == 6  # broker, four APIs, the allocation worker
    platform.stop()
    assert platform.process.returncode == 0
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not list(platform.run_dir.glob("*.pid"))
