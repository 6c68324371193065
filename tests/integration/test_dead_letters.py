"""A message no consumer can process lands in its topic's DLQ with the reason; the consumer
goes on with the next message."""

import base64
import json
import threading
import time
import uuid

import pytest
from factories import sample_event
from kafka_helpers import consume_all, produce
from sqlalchemy import MetaData

from shared.contracts.envelope import encode
from shared.contracts.events import AgreementPublished, MunicipalityUpserted
from shared.contracts.topics import MUNICIPALITIES
from shared.db import make_engine
from shared.messaging.consuming import (
    EventProcessor,
    Inbound,
    Outcome,
    Rejected,
    run_consumer_loop,
)
from shared.messaging.kafka_clients import make_consumer
from shared.messaging.uow import InfraTables
from shared.runtime import Runtime
from shared.settings import WoonregieSettings

pytestmark = pytest.mark.kafka


def test_poison_goes_to_the_dlq_with_its_reason_and_the_consumer_goes_on(kafka_bootstrap, tmp_path):
    marker = f"marker-{uuid.uuid4()}"
    good = sample_event(MunicipalityUpserted, code="GM1950", name=marker)
    wrong_major = json.loads(encode(good, source="urn:test"))
    wrong_major["type"] = wrong_major["type"].replace(".v1", ".v9")
    unknown = json.loads(encode(good, source="urn:test"))
    unknown["type"] = "nl.woonregie.registry.something-else.v1"
    bad_inputs = {
        b"{not json": "not JSON",
        encode(good, source="urn:test")[:40]: "not JSON",
        json.dumps(wrong_major).encode(): "unsupported major version v9",
        json.dumps(unknown).encode(): "unknown event type",
        encode(good.model_copy(update={"code": "GM9999"}), source="urn:test"): "rejected",
    }
    for value in bad_inputs:
        produce(kafka_bootstrap, MUNICIPALITIES.name, "GM", value)
    produce(kafka_bootstrap, MUNICIPALITIES.name, "GM1950", encode(good, source="urn:test"))

    metadata = MetaData()
    infra = InfraTables.on(metadata)
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    metadata.create_all(engine)
    settings = WoonregieSettings(service_name="dlq-test", kafka_bootstrap=kafka_bootstrap)
    runtime = Runtime(settings=settings, engine=engine, infra=infra)
    applied = []

    def handler(uow, received):
        if received.event.code == "GM9999":
            raise Rejected("unknown municipality GM9999")
        applied.append(received.event.name)
        if received.event.name == marker:
            stop.set()

    stop = threading.Event()
    consumer_name = f"dlq-test-{marker}"
    processor = EventProcessor(consumer_name, runtime.uow, handler, runtime.dead_letters)
    consumer = make_consumer(settings, MUNICIPALITIES.name, group_id=f"dlq-test-{marker}")
    threading.Timer(90, stop.set).start()  # a bound, should the marker never arrive
    started = time.monotonic()
    run_consumer_loop(consumer, processor, stop)
    consumer.close()

    assert marker in applied, f"gave up after {time.monotonic() - started:.0f}s"
    letters = [json.loads(m.value) for m in consume_all(kafka_bootstrap, f"{MUNICIPALITIES.name}.dlq")]
    # the topic is shared with other tests' poison: look at our inputs' letters only
    mine = {base64.b64decode(letter["rawBase64"]): letter for letter in letters
            if letter["consumer"] == consumer_name}
    for raw, expected in bad_inputs.items():
        assert expected in mine[raw]["error"]
        assert mine[raw]["originalTopic"] == MUNICIPALITIES.name
    assert processor.counts[Outcome.DEAD_LETTERED] >= len(bad_inputs)
