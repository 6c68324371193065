"""The allocation worker's service layer without Kafka: the pipeline benchmark's events
(benchmarks/pipeline.py `unit_events`) through `PatientProcessor` on a fresh SQLite file, one
message at a time or in batches, optionally under cProfile.

    python benchmarks/allocation_batches.py EVENTS BATCH [--profile]

BATCH 1 is `process` per message (the worker before issue 7); more is `process_batch` (what the
Faust agent hands over). Prints the outcomes, events/s, proposals and outbox rows (the same
for every BATCH: the decisions do not depend on the batching).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "unit" / "allocation"), str(REPO / "benchmarks")]

import pipeline  # noqa: E402
from allocation_service_helpers import Harness, Scenario, inbound  # noqa: E402

from shared.contracts import events as ev  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("events", type=int)
    parser.add_argument("batch", type=int)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="wr-bench-batches-"))
    harness = Harness.create(f"sqlite:///{base / 'allocation.db'}", base)
    today = date.today()
    harness.today.append(today)
    scenario, year = Scenario(), today.year
    setup: list[ev.Event] = [
        scenario.municipality(code=code, care_providers=[pipeline.CARE_PROVIDER])
        for code in pipeline.MUNICIPALITIES]
    setup.append(scenario.agreement(
        period=str(year), period_start=date(year, 1, 1), period_end=date(year, 12, 31),
        municipalities=list(pipeline.MUNICIPALITIES),
        targets=[ev.MunicipalityTarget(municipality=code, key=0.25, base_target=250,
                                       carry_over=0, target=250, expected_lettings=250.0)
                 for code in pipeline.MUNICIPALITIES]))
    rng = random.Random(1)
    messages = [inbound(e) for e in setup]
    for _ in range(args.events // 3):
        messages += [inbound(e) for e in pipeline.unit_events(rng, today)]

    processor = harness.processor
    profile = cProfile.Profile() if args.profile else None
    start = time.perf_counter()
    if profile:
        profile.enable()
    if args.batch <= 1:
        outcomes = [processor.process(m) for m in messages]
    else:
        outcomes = []
        for first in range(0, len(messages), args.batch):
            outcomes += processor.process_batch(messages[first:first + args.batch])
    if profile:
        profile.disable()
    elapsed = time.perf_counter() - start
    print(dict(Counter(outcomes)), f"{len(messages)} messages in {elapsed:.2f} s = "
          f"{len(messages) / elapsed:,.0f} events/s; proposals {len(harness.proposals())}, "
          f"outbox rows {len(harness.outbox())}")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    harness.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
