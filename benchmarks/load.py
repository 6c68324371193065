"""HTTP load: concurrent clients against a running platform (`woonregie run`), mixed
endpoints, latency per endpoint against the 50 ms write target. Not a test.

    python benchmarks/load.py [--clients 50] [--seconds 60] [--data-dir data]
                              [--registry-url http://127.0.0.1:8001]
                              [--intake-url http://127.0.0.1:8002]
                              [--monitoring-url http://127.0.0.1:8004]

Tokens are issued into the platform's token store (`--data-dir`, the WOONREGIE_DATA_DIR of
the run, as `woonregie tokens issue` does), unless given with --corporation-token,
--care-token and --province-token. Every client is one httpx.AsyncClient connection pool
working in a closed loop (next request when the previous answered), picking by weight:

    writes  PUT  /v1/dwellings/{bagId}   (registry, corporation, a new dwelling)
            POST /v1/vacancies           (registry, corporation, for a dwelling it registered)
            POST /v1/candidates          (intake, care provider, a new person)
    reads   GET  /v1/municipalities      (registry)
            GET  /v1/realisation         (monitoring, province: exact figures)

Printed per endpoint: requests, errors (anything but 2xx, or no answer), requests/s, p50,
p99, max, and for writes p99 / 50 ms. Exit code 1 when any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

from services.intake.domain.bsn import fake_bsn

WRITE_TARGET_MS = 50.0
WEIGHTS = {"PUT dwelling": 30, "POST vacancy": 15, "POST candidate": 20,
           "GET municipalities": 20, "GET realisation": 15}
WRITES = ("PUT dwelling", "POST vacancy", "POST candidate")


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # all failures
    unanswered: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, str] = field(default_factory=dict)  # first error per endpoint


class Client:
    def __init__(self, number: int, args, headers: dict, results: Results, deadline: float):
        self.rng = random.Random(f"{uuid.uuid4()}-{number}")  # new BAG ids and BSNs each run
        self.args, self.headers, self.results, self.deadline = args, headers, results, deadline
        self.dwellings: list[str] = []  # registered, no vacancy yet
        self.today = date.today().isoformat()

    async def run(self) -> None:
        # idle connections are dropped before uvicorn closes them (after 5 s): no request is
        # ever sent on a connection the server is closing
        limits = httpx.Limits(max_connections=3, max_keepalive_connections=3,
                              keepalive_expiry=2.0)
        async with httpx.AsyncClient(timeout=30, limits=limits) as http:
            self.http = http
            names, weights = list(WEIGHTS), list(WEIGHTS.values())
            while time.monotonic() < self.deadline:
                name = self.rng.choices(names, weights)[0]
                if name == "POST vacancy" and not self.dwellings:
                    name = "PUT dwelling"
                await self.request(name)

    async def request(self, name: str) -> None:
        a, h = self.args, self.headers
        if name == "PUT dwelling":
            bag_id = "0014" + "01" + "".join(self.rng.choices("0123456789", k=10))
            call = self.http.put(f"{a.registry_url}/v1/dwellings/{bag_id}", headers=h["corp"],
                                 json={"municipality": "GM0014", "rooms": 3,
                                       "monthlyRent": 550.0, "accessibility": "nultreden",
                                       "careSuitable": True})
        elif name == "POST vacancy":
            bag_id = self.dwellings.pop()
            call = self.http.post(f"{a.registry_url}/v1/vacancies", headers=h["corp"],
                                  json={"bagId": bag_id, "availableFrom": self.today})
        elif name == "POST candidate":
            call = self.http.post(f"{a.intake_url}/v1/candidates", headers=h["care"], json={
                "bsn": fake_bsn(self.rng), "name": "Load Test", "birthYear": 1980,
                "householdSize": 1, "yearlyIncome": 21500, "targetGroup": "beschermd-wonen",
                "needs": {"accessibility": "nultreden", "ambulantSupport": False},
                "registrationMunicipality": "GM0014"})
        elif name == "GET municipalities":
            call = self.http.get(f"{a.registry_url}/v1/municipalities", headers=h["corp"])
        else:
            call = self.http.get(f"{a.monitoring_url}/v1/realisation", headers=h["province"])
        started = time.perf_counter()
        try:
            response = await call
        except httpx.HTTPError as exc:
            self.results.errors[name] += 1
            self.results.unanswered[name] += 1
            self.results.samples.setdefault(name, repr(exc))
            return
        elapsed = (time.perf_counter() - started) * 1000
        self.results.latencies[name].append(elapsed)
        if response.status_code >= 300:
            self.results.errors[name] += 1
            self.results.samples.setdefault(name, f"{response.status_code} {response.text[:200]}")
        elif name == "PUT dwelling":
            self.dwellings.append(bag_id)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)  # nearest rank
    return ordered[min(len(ordered), max(1, math.ceil(q / 100 * len(ordered)))) - 1]


def issue_tokens(data_dir: Path) -> dict[str, dict[str, str]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from shared.auth import TokenStore
    from shared.db import make_engine
    from shared.settings import WoonregieSettings

    store = TokenStore(make_engine(WoonregieSettings(data_dir=data_dir).auth_db_url()))
    return {key: {"Authorization": f"Bearer {store.issue(org, role).token}"}
            for key, org, role in (("corp", "lefier", "corporation"),
                                   ("care", "demo-beschermd-wonen-stad", "care-provider"),
                                   ("province", "provincie-groningen", "province"))}


async def main_async(args) -> int:
    if args.corporation_token and args.care_token and args.province_token:
        headers = {key: {"Authorization": f"Bearer {token}"} for key, token in (
            ("corp", args.corporation_token), ("care", args.care_token),
            ("province", args.province_token))}
    else:
        headers = issue_tokens(Path(args.data_dir))
    async with httpx.AsyncClient(timeout=10) as probe:
        for url in (args.registry_url, args.intake_url, args.monitoring_url):
            (await probe.get(f"{url}/v1/health")).raise_for_status()
    results = Results()
    started = time.monotonic()
    deadline = started + args.seconds
    await asyncio.gather(*(Client(n, args, headers, results, deadline).run()
                           for n in range(args.clients)))
    duration = time.monotonic() - started
    return report(results, duration, args)


def report(results: Results, duration: float, args) -> int:
    print(f"{args.clients} clients, {duration:.1f} s")
    header = (f"{'endpoint':<20}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>9}"
              f"{'p99 ms':>9}{'max ms':>9}{'p99/50ms':>10}")
    print(header)
    print("-" * len(header))
    total = errors = 0
    for name in WEIGHTS:
        values = results.latencies.get(name, [])
        count = len(values) + results.unanswered.get(name, 0)
        failed = results.errors.get(name, 0)
        total += count
        errors += failed
        ratio = (f"{percentile(values, 99) / WRITE_TARGET_MS:>10.2f}" if name in WRITES
                 else f"{'-':>10}")
        print(f"{name:<20}{count:>9}{failed:>8}{count / duration:>8.1f}"
              f"{statistics.median(values) if values else float('nan'):>9.1f}"
              f"{percentile(values, 99):>9.1f}{max(values, default=float('nan')):>9.1f}{ratio}")
    print("-" * len(header))
    print(f"{'all':<20}{total:>9}{errors:>8}{total / duration:>8.1f}")
    for name, sample in results.samples.items():
        print(f"first error of {name}: {sample}")
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--registry-url", default="http://127.0.0.1:8001")
    parser.add_argument("--intake-url", default="http://127.0.0.1:8002")
    parser.add_argument("--monitoring-url", default="http://127.0.0.1:8004")
    parser.add_argument("--data-dir", default="data",
                        help="the run's WOONREGIE_DATA_DIR, to issue tokens")
    parser.add_argument("--corporation-token")
    parser.add_argument("--care-token")
    parser.add_argument("--province-token")
    args = parser.parse_args(argv)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
