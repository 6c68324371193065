"""Pipeline benchmark: events produced straight to the real broker, through the running
allocation worker and monitoring.

    python benchmarks/pipeline.py [--rate 1000 --seconds 10 --warmup 5] [--saturation-units 3000]
                                  [--bootstrap HOST:PORT --registry-url URL --monitoring-url URL
                                   --data-dir DIR]

Without --bootstrap it starts `woonregie run` itself (tests/e2e/platform_process.start_platform)
in a temporary folder. The province's agreement is put over HTTP (allocation labels nothing
without one); then one "unit" is three events: CandidateRegistered + UrgencyGranted on
intake.candidates.v1 and VacancyAnnounced on registry.vacancies.v1 (shared.contracts.envelope.encode,
kafka-python). After a warm-up at the phase 1 rate (`--warmup` seconds, not measured: the
platform's first batches after its start are slower than its steady state), two phases:

1. fixed offered rate: units paced to `--rate` events/s for `--seconds`; latency per vacancy
   is the Kafka timestamp of its VacancyLabelled on allocation.proposals.v1 minus the
   Kafka timestamp of the VacancyAnnounced (both CreateTime, same machine clock);
2. saturation: `--saturation-units` units produced as fast as the producer goes; sustained
   events/s through allocation = events produced / (last label seen - first event produced),
   through monitoring = the same up to monitoring's /metrics consumer lag back to 0.

In the same run a plain kafka-python consume loop reads the same events (both input topics from
offset 0, value bytes only) and the ratio pipeline / plain is printed, with the targets; then
the same loop decoding every event (`shared.contracts.envelope.decode`), and a Faust agent that
only acks them (`benchmarks/faust_noop.py`), for comparison.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import httpx
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))
sys.path.insert(0, str(REPO))

from shared.contracts import events as ev  # noqa: E402
from shared.contracts import topics  # noqa: E402
from shared.contracts.envelope import decode, encode  # noqa: E402

MUNICIPALITIES = ("GM0014", "GM1969", "GM1966", "GM1952")
CARE_PROVIDER = "demo-beschermd-wonen-stad"
TARGET_RATE = 20_000
TARGET_P99_MS = 100


def unit_events(rng: random.Random, today: date) -> list[ev.Event]:
    municipality = rng.choice(MUNICIPALITIES)
    candidate_id = f"bench-{uuid.uuid4().hex[:16]}"
    profile = ev.CandidateProfile(
        age_band="23-44", household_size=1, income_class="passend",
        target_group="beschermd-wonen",
        needs=ev.Needs(accessibility="geen", ambulant_support=True, care_provider=CARE_PROVIDER),
        registration_municipality=municipality, registered_by=CARE_PROVIDER)
    bag_id = str(rng.randrange(10**15, 10**16))
    return [
        ev.CandidateRegistered(candidate_id=candidate_id, registered_on=today, profile=profile),
        ev.UrgencyGranted(candidate_id=candidate_id, municipality=municipality,
                          category="beschermd-wonen", granted_on=today,
                          valid_until=today + timedelta(days=180)),
        ev.VacancyAnnounced(
            vacancy_id=f"bench-{uuid.uuid4().hex[:16]}", available_from=today,
            announced_at=datetime.now(timezone.utc),
            dwelling=ev.DwellingFacts(bag_id=bag_id, municipality=rng.choice(MUNICIPALITIES),
                                      corporation="lefier", rooms=3, monthly_rent=600.0,
                                      accessibility="nultreden", care_suitable=True)),
    ]


class LabelWatcher:
    """Reads allocation.proposals.v1 from its end; remembers each VacancyLabelled's timestamp."""

    def __init__(self, bootstrap: str):
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        parts = [TopicPartition(topics.PROPOSALS.name, p)
                 for p in self.consumer.partitions_for_topic(topics.PROPOSALS.name)]
        self.consumer.assign(parts)
        self.consumer.seek_to_end(*parts)
        for part in parts:
            self.consumer.position(part)
        self.labelled: dict[str, int] = {}  # vacancy id -> Kafka timestamp ms
        self.proposed = 0

    def drain(self, timeout_ms: int = 200) -> None:
        for records in self.consumer.poll(timeout_ms=timeout_ms, max_records=5000).values():
            for record in records:
                received = decode(record.value)
                if isinstance(received.event, ev.VacancyLabelled):
                    self.labelled[received.event.vacancy_id] = record.timestamp
                elif isinstance(received.event, ev.CandidateProposed):
                    self.proposed += 1

    def wait_for(self, vacancy_ids, deadline: float) -> bool:
        while time.monotonic() < deadline:
            self.drain()
            if all(v in self.labelled for v in vacancy_ids):
                return True
        return False


def produce(producer: KafkaProducer, units: list[list[ev.Event]], rate: float | None,
            sent: dict[str, float]) -> tuple[float, float]:
    """Send units (3 events each) at `rate` events/s (None: as fast as possible)."""
    start = time.monotonic()
    done = 0
    for unit in units:
        for event in unit:
            value = encode(event, source="/benchmarks/pipeline")
            future = producer.send(event.TOPIC.name, key=event.key().encode(), value=value)
            if isinstance(event, ev.VacancyAnnounced):
                vacancy_id = event.vacancy_id
                future.add_callback(lambda meta, v=vacancy_id: sent.__setitem__(v, meta.timestamp))
            done += 1
        if rate:
            pause = start + done / rate - time.monotonic()
            if pause > 0:
                producer.flush() if pause > 0.05 else None
                time.sleep(max(0.0, start + done / rate - time.monotonic()))
    producer.flush()
    return start, time.monotonic()


def monitoring_lag(url: str) -> float:
    try:
        text = httpx.get(f"{url}/metrics", timeout=5).text
    except httpx.HTTPError:
        return float("inf")
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("woonregie_monitoring_consumer_lag{"))


def wait_monitoring(url: str, deadline: float) -> float | None:
    while time.monotonic() < deadline:
        if monitoring_lag(url) == 0:
            return time.monotonic()
        time.sleep(0.1)
    return None


def plain_consume(bootstrap: str, expected: int, *, decoding: bool = False
                  ) -> tuple[int, float]:
    """The plain loop: value bytes only, or with `decoding` each value validated into its
    event as every consumer of the platform does first (`decode`)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                             auto_offset_reset="earliest")
    parts = [TopicPartition(t.name, p) for t in (topics.CANDIDATES, topics.VACANCIES)
             for p in consumer.partitions_for_topic(t.name)]
    consumer.assign(parts)
    consumer.seek_to_beginning(*parts)
    ends = consumer.end_offsets(parts)
    total = sum(ends.values())
    count, start = 0, time.monotonic()
    while count < total:
        for records in consumer.poll(timeout_ms=500, max_records=10_000).values():
            for record in records:
                _ = decode(record.value) if decoding else record.value
                count += 1
    elapsed = time.monotonic() - start
    consumer.close()
    return count, elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def put_agreement(registry_url: str, token: str) -> None:
    period = str(date.today().year)
    response = httpx.put(f"{registry_url}/v1/agreements/province/{period}",
                         headers={"Authorization": f"Bearer {token}"}, timeout=20, json={
        "urgentShare": 0.3, "expectedLettings": 1000,
        "keyWeights": {"population": 1.0, "socialStock": 0.0, "lettings": 0.0},
        "categories": [{"category": "beschermd-wonen", "validityDays": 180}]})
    assert response.status_code in (200, 201), response.text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=1000, help="offered events/s, phase 1")
    parser.add_argument("--seconds", type=float, default=10, help="length of phase 1")
    parser.add_argument("--warmup", type=float, default=5,
                        help="seconds at the phase 1 rate before it, not measured (0: none)")
    parser.add_argument("--saturation-units", type=int, default=3000,
                        help="units (3 events each) produced flat out in phase 2")
    parser.add_argument("--timeout", type=float, default=120,
                        help="give up waiting for allocation/monitoring after this many s")
    parser.add_argument("--bootstrap")
    parser.add_argument("--registry-url")
    parser.add_argument("--monitoring-url")
    parser.add_argument("--data-dir", type=Path, help="the platform's data folder (tokens)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from shared.auth import TokenStore
    from shared.contracts.vocabulary import Role
    from shared.db import make_engine
    from shared.settings import WoonregieSettings

    platform = None
    if args.bootstrap is None:
        from platform_process import start_platform

        base = Path(tempfile.mkdtemp(prefix="wr-bench-pipeline-"))
        print(f"starting the platform in {base} ...", flush=True)
        platform = start_platform(base)
        args.bootstrap = platform.bootstrap
        args.registry_url = platform.url("registry")
        args.monitoring_url = platform.url("monitoring")
        args.data_dir = platform.data_dir
    try:
        settings = WoonregieSettings(**({"data_dir": args.data_dir} if args.data_dir else {}))
        token = TokenStore(make_engine(settings.auth_db_url())).issue(
            "provincie-groningen", Role.PROVINCE).token
        put_agreement(args.registry_url, token)
        time.sleep(3)  # the agreement reaches the allocation worker
        return run(args)
    finally:
        if platform is not None:
            platform.stop()


def run(args) -> int:
    rng = random.Random(args.seed)
    today = date.today()
    producer = KafkaProducer(bootstrap_servers=args.bootstrap, linger_ms=5, acks=1)
    watcher = LabelWatcher(args.bootstrap)

    # warm-up: the same rate, not measured (a process's first batches, SQL statements and
    # connections cost more than the steady state the targets are about)
    if args.warmup > 0:
        warm = [unit_events(rng, today) for _ in range(max(1, int(args.rate * args.warmup / 3)))]
        warm_sent: dict[str, float] = {}
        produce(producer, warm, args.rate, warm_sent)
        watcher.wait_for(warm_sent, time.monotonic() + args.timeout)
        print(f"warm-up: {len(warm) * 3} events at {args.rate:,.0f} events/s, not measured")

    # phase 1: fixed offered rate
    n_units = max(1, int(args.rate * args.seconds / 3))
    units = [unit_events(rng, today) for _ in range(n_units)]
    sent: dict[str, float] = {}
    start, end = produce(producer, units, args.rate, sent)
    offered = n_units * 3 / (end - start)
    ok = watcher.wait_for(sent, time.monotonic() + args.timeout)
    latencies = [watcher.labelled[v] - t for v, t in sent.items() if v in watcher.labelled]
    print(f"\nphase 1: {n_units * 3} events offered at {offered:,.0f} events/s "
          f"(asked {args.rate:,.0f}) over {end - start:.1f} s; "
          f"{len(latencies)}/{len(sent)} vacancies labelled{'' if ok else ' (TIMED OUT)'}")
    if latencies:
        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        print(f"  latency vacancy produced -> VacancyLabelled produced: p50 {p50:,.0f} ms, "
              f"p99 {p99:,.0f} ms, max {max(latencies):,.0f} ms "
              f"(target p99 <= {TARGET_P99_MS} ms: {p99 / TARGET_P99_MS:.1f}x the target)")
        ordered = [watcher.labelled[v] - t for v, t in sent.items() if v in watcher.labelled]
        tenth = max(1, len(ordered) // 10)
        print("  max per tenth of phase 1 (ms): " + ", ".join(
            f"{max(ordered[i:i + tenth]):,.0f}" for i in range(0, len(ordered), tenth)))
    wait_monitoring(args.monitoring_url, time.monotonic() + args.timeout)

    # phase 2: saturation
    units = [unit_events(rng, today) for _ in range(args.saturation_units)]
    sent2: dict[str, float] = {}
    start, end = produce(producer, units, None, sent2)
    produced = len(units) * 3
    ok = watcher.wait_for(sent2, time.monotonic() + args.timeout)
    alloc_end = time.monotonic()
    mon_end = wait_monitoring(args.monitoring_url, time.monotonic() + args.timeout)
    labelled = sum(v in watcher.labelled for v in sent2)
    alloc_rate = produced / (alloc_end - start)
    print(f"\nphase 2 (saturation): {produced} events produced in {end - start:.2f} s "
          f"({produced / (end - start):,.0f} events/s offered); "
          f"{labelled}/{len(sent2)} vacancies labelled{'' if ok else ' (TIMED OUT)'}")
    print(f"  through allocation: {alloc_rate:,.0f} events/s "
          f"(all labels after {alloc_end - start:.1f} s)")
    mon_rate = None
    if mon_end is not None:
        mon_rate = produced / (mon_end - start)
        print(f"  through monitoring (consumer lag back to 0): {mon_rate:,.0f} events/s")
    sustained = min(alloc_rate, mon_rate or alloc_rate)
    lat2 = [watcher.labelled[v] - t for v, t in sent2.items() if v in watcher.labelled]
    if lat2:
        print(f"  latency at saturation: p50 {percentile(lat2, 0.5):,.0f} ms, "
              f"p99 {percentile(lat2, 0.99):,.0f} ms")
    print(f"  proposals seen on {topics.PROPOSALS.name} over both phases: {watcher.proposed}")

    # the plain consume loop over the same events
    count, elapsed = plain_consume(args.bootstrap, produced)
    plain_rate = count / elapsed
    print(f"\nplain kafka-python consume loop: {count} events in {elapsed:.2f} s = "
          f"{plain_rate:,.0f} events/s")
    print(f"\nsustained through allocation and monitoring: {sustained:,.0f} events/s")
    print(f"  vs target {TARGET_RATE:,}: {sustained / TARGET_RATE:.3f}x")
    print(f"  vs plain loop: {sustained / plain_rate:.4f}x (target >= 0.5)")
    count, elapsed = plain_consume(args.bootstrap, produced, decoding=True)
    decoding_rate = count / elapsed
    print(f"  vs the plain loop decoding every event ({decoding_rate:,.0f} events/s): "
          f"{sustained / decoding_rate:.4f}x (not a target: how far the pipeline is from "
          f"the least any consumer here does)")
    faust_rate = faust_noop_rate(args.bootstrap)
    if faust_rate:
        print(f"  vs a Faust agent that only acks the same events ({faust_rate:,.0f} events/s, "
              f"benchmarks/faust_noop.py): {sustained / faust_rate:.4f}x (the allocation "
              f"worker is a Faust agent: its ceiling)")
    producer.close()
    watcher.consumer.close()
    return 0


def faust_noop_rate(bootstrap: str) -> float | None:
    """events/s of benchmarks/faust_noop.py over the same topics (a child process: Faust
    wants the main thread and its own event loop)."""
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "faust_noop.py"),
                           "--bootstrap", bootstrap], capture_output=True, text=True,
                          timeout=300, check=False)
    found = re.search(r"RESULT (\d+) ([\d.]+)", done.stdout + done.stderr)
    if found is None:
        print(f"  (the no-op Faust agent gave no result: {done.stderr[-300:]})")
        return None
    return int(found[1]) / float(found[2])


if __name__ == "__main__":
    sys.exit(main())
