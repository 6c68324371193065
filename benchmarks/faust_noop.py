"""A Faust agent that does nothing: how fast Faust alone reads the topics the pipeline is fed.

    python benchmarks/faust_noop.py --bootstrap HOST:PORT [--decode]

The agent is configured as the allocation worker's (`create_faust_app`, raw bytes, manual
acks, `noack_take` batches of the same size) in a new consumer group, reads intake.candidates.v1
and registry.vacancies.v1 from offset 0 to their current end (the events the plain loop of
`benchmarks/pipeline.py` reads), acks each event and nothing more; with `--decode` it also
decodes each (`shared.contracts.envelope.decode`). It prints one line,
`RESULT <events> <seconds>`, timed from the first batch to the last, and exits. The pipeline
benchmark runs it to show how much of the plain loop's rate Faust itself leaves.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import faust
from kafka import KafkaConsumer, TopicPartition

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.allocation.worker.agents import BATCH_SIZE, BATCH_WITHIN  # noqa: E402
from services.allocation.worker.app import create_faust_app  # noqa: E402
from shared.contracts import topics  # noqa: E402
from shared.contracts.envelope import decode  # noqa: E402
from shared.settings import AllocationSettings  # noqa: E402

READ = (topics.CANDIDATES, topics.VACANCIES)


def events_on(bootstrap: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    parts = [TopicPartition(t.name, p) for t in READ for p in consumer.partitions_for_topic(t.name)]
    total = sum(consumer.end_offsets(parts).values())
    consumer.close()
    return total


def noop_app(bootstrap: str, total: int, decoding: bool) -> faust.App:
    settings = AllocationSettings(kafka_bootstrap=bootstrap,
                                  consumer_group=f"bench-faust-noop-{uuid.uuid4().hex[:8]}",
                                  data_dir=Path(tempfile.mkdtemp(prefix="wr-faust-noop-")))
    app = create_faust_app(settings)
    topic = app.topic(*(t.name for t in READ), key_type=bytes, value_type=bytes,
                      key_serializer="raw", value_serializer="raw", internal=False)
    seen = {"events": 0, "first": 0.0}

    @app.agent(topic, concurrency=1)
    async def noop(stream):
        manual = stream.noack()
        async for events in manual.noack_take(BATCH_SIZE, within=BATCH_WITHIN):
            seen["first"] = seen["first"] or time.monotonic()
            for event in events:
                if decoding:
                    decode(event.value)
                await manual.ack(event)
            seen["events"] += len(events)
            if seen["events"] >= total:
                print(f"RESULT {seen['events']} {time.monotonic() - seen['first']:.3f}",
                      flush=True)
                os._exit(0)  # a benchmark child: Faust's orderly shutdown adds nothing here

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--decode", action="store_true")
    args = parser.parse_args()
    app = noop_app(args.bootstrap, events_on(args.bootstrap), args.decode)
    faust.Worker(app, loglevel="warning", quiet=True).execute_from_commandline()


if __name__ == "__main__":
    main()
