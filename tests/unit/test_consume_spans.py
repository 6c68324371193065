"""shared.messaging.consuming: a batch is traced as ONE consumer span that carries every event
id of the batch and links to each message's producer span (OpenTelemetry's batch convention)."""

from __future__ import annotations

import pytest
from factories import sample_events
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared import telemetry
from shared.contracts.envelope import encode
from shared.messaging.consuming import EventProcessor, Inbound, Outcome
from shared.telemetry import EVENT_ID, inject_headers


class Ledger:
    """The unit of work as the processor uses it, in memory."""

    def __init__(self, handled: list):
        self.handled = handled
        self.seen_ids: set[str] = set()

    def __call__(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def seen_among(self, consumer, ids):
        return self.seen_ids & set(ids)

    def mark_all_seen(self, consumer, ids):
        self.seen_ids |= set(ids)

    def commit(self):
        pass


@pytest.fixture
def spans(monkeypatch):
    """The process's tracer, on a provider of this test's own (the global one is set once)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(telemetry, "_tracer", provider.get_tracer("test"))
    return exporter, provider


def test_a_batch_is_one_span_carrying_every_event_id_and_linking_each_producer(spans):
    exporter, provider = spans
    producer = provider.get_tracer("producer")
    messages, produced = [], []
    for event in sample_events()[:3]:
        with producer.start_as_current_span("publish") as publish:
            headers = inject_headers()
            produced.append(publish.get_span_context())
        value = encode(event, source="urn:test")
        messages.append(Inbound(event.TOPIC.name, 0, len(messages), b"k", value, headers))
    handled: list = []
    processor = EventProcessor("span-test", Ledger(handled),
                               lambda uow, received: handled.append(received.id), None)

    outcomes = processor.process_batch(messages)

    assert outcomes == [Outcome.HANDLED] * 3
    [span] = [s for s in exporter.get_finished_spans() if s.kind is trace.SpanKind.CONSUMER]
    assert list(span.attributes["woonregie.event_ids"]) == handled
    assert span.attributes["messaging.batch.message_count"] == 3
    assert [link.context.span_id for link in span.links] == [c.span_id for c in produced]
    assert [link.attributes[EVENT_ID] for link in span.links] == handled
