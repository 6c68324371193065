"""shared/contracts/envelope.py: CloudEvents encode/decode and the PoisonMessage reasons."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from factories import sample_event, sample_events

from shared.contracts import events as ev
from shared.contracts.envelope import (
    CloudEvent,
    PoisonMessage,
    Received,
    decode,
    encode,
    encode_envelope,
    envelope_for,
    event_class_for,
)

SOURCE = "urn:woonregie:tests"


def document(event: ev.Event | None = None, **changes) -> dict:
    event = event or sample_event(ev.UrgencyGranted)
    doc = json.loads(encode(event, source=SOURCE))
    for key, value in changes.items():
        if value is ...:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def raw(doc) -> bytes:
    return json.dumps(doc).encode()


def reason_of(payload) -> str:
    with pytest.raises(PoisonMessage) as info:
        decode(payload)
    assert info.value.reason == str(info.value)
    return info.value.reason


@pytest.mark.parametrize("event", sample_events(), ids=lambda e: type(e).__name__)
def test_every_event_type_round_trips(event):
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    payload = encode(event, source=SOURCE, event_id="id-1", time=moment)

    received = decode(payload)

    assert isinstance(received, Received)
    assert type(received.event) is type(event)
    assert received.event == event
    assert received.id == "id-1"
    assert received.envelope.type == event.type_name()
    assert received.envelope.source == SOURCE
    assert received.envelope.subject == event.key()
    assert received.envelope.time == moment
    assert received.envelope.specversion == "1.0"
    assert encode_envelope(received.envelope) == payload  # stable re-encoding


def test_wire_form_is_structured_cloudevents_json_with_camel_case_data():
    event = sample_event(ev.UrgencyGranted)
    doc = json.loads(encode(event, source=SOURCE))
    assert doc["type"] == "nl.woonregie.intake.urgency-granted.v1"
    assert doc["datacontenttype"] == "application/json"
    assert doc["dataschema"] == "urn:woonregie:schema:intake.urgency-granted:v1"
    assert doc["data"]["candidateId"] == event.candidate_id
    assert "candidate_id" not in doc["data"]


def test_decode_accepts_str_as_well_as_bytes():
    payload = encode(sample_event(ev.CandidateErased), source=SOURCE)
    assert decode(payload.decode()).event == decode(payload).event


def test_each_envelope_gets_a_fresh_id():
    event = sample_event(ev.CandidateErased)
    assert envelope_for(event, source=SOURCE).id != envelope_for(event, source=SOURCE).id


def test_unknown_event_type_is_poison():
    reason = reason_of(raw(document(type="nl.woonregie.intake.candidate-teleported.v1")))
    assert "unknown event type" in reason
    assert "nl.woonregie.intake.candidate-teleported" in reason


def test_type_without_major_version_is_poison():
    reason = reason_of(raw(document(type="nl.woonregie.intake.urgency-granted")))
    assert ".v<major>" in reason


def test_unknown_major_version_is_poison_and_names_the_version():
    reason = reason_of(raw(document(type="nl.woonregie.intake.urgency-granted.v2")))
    assert "v2" in reason
    assert "nl.woonregie.intake.urgency-granted" in reason
    assert "v1" in reason  # and says which versions it does know


def test_event_class_for_known_type():
    assert event_class_for("nl.woonregie.allocation.candidate-placed.v1") is ev.CandidatePlaced


@pytest.mark.parametrize(
    "payload",
    [b"{not json", b"\xff\xfe\x00garbage", b'{"specversion": "1.0", "id": '],
    ids=["malformed", "not-utf8", "unterminated"],
)
def test_malformed_json_is_poison(payload):
    assert reason_of(payload).startswith("not JSON")


@pytest.mark.parametrize("cut", [1, 10, 0.5, -1])
def test_truncated_bytes_are_poison(cut):
    payload = encode(sample_event(ev.CandidateProposed), source=SOURCE)
    end = int(len(payload) * cut) if isinstance(cut, float) else cut
    reason_of(payload[:end])


@pytest.mark.parametrize("payload", [None, b"", ""])
def test_empty_message_is_poison(payload):
    assert reason_of(payload) == "empty message"


@pytest.mark.parametrize("payload", [b"[]", b"42", b'"text"', b"null"])
def test_json_that_is_not_an_object_is_poison(payload):
    assert reason_of(payload) == "not a CloudEvents JSON object"


def test_missing_data_field_is_poison():
    reason = reason_of(raw(document(data=...)))
    assert "invalid CloudEvents envelope" in reason
    assert "data" in reason


@pytest.mark.parametrize("attribute", ["specversion", "id", "source", "type", "time"])
def test_missing_required_context_attribute_is_poison(attribute):
    reason = reason_of(raw(document(**{attribute: ...})))
    assert attribute in reason


def test_wrong_specversion_is_poison():
    assert "specversion" in reason_of(raw(document(specversion="0.3")))


def test_data_that_does_not_fit_the_model_is_poison():
    doc = document()
    del doc["data"]["candidateId"]
    doc["data"]["validUntil"] = "not a date"
    reason = reason_of(raw(doc))
    assert reason.startswith("invalid nl.woonregie.intake.urgency-granted.v1 data")
    assert "candidateId" in reason
    assert "validUntil" in reason


def test_unknown_extra_fields_are_ignored():
    event = sample_event(ev.UrgencyGranted)
    doc = document(event, traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
    doc["data"]["someFutureField"] = {"nested": [1, 2, 3]}
    doc["data"]["anotherOne"] = "minor, additive change"

    received = decode(raw(doc))

    assert received.event == event
    assert not hasattr(received.event, "someFutureField")
    assert received.envelope.model_extra["traceparent"].startswith("00-")


def test_snake_case_data_is_accepted_too():
    event = sample_event(ev.CandidateErased)
    doc = document(event, data={"candidate_id": event.candidate_id, "erased_on": "2026-03-02"})
    assert decode(raw(doc)).event == event


def test_envelope_model_rejects_empty_id():
    with pytest.raises(ValueError):
        CloudEvent(specversion="1.0", id="", source=SOURCE, type="x.v1",
                   time=datetime.now(timezone.utc), data={})


def test_kafka_and_faust_codecs_wrap_the_envelope():
    from faust.serializers import codecs as faust_codecs

    from shared.contracts.codecs import (
        CODEC_NAME,
        kafka_key_serializer,
        kafka_value_deserializer,
        kafka_value_serializer,
    )

    envelope = envelope_for(sample_event(ev.CandidatePlaced), source=SOURCE)
    payload = encode_envelope(envelope)
    assert kafka_value_serializer(envelope) == payload
    assert kafka_value_serializer(payload) == payload
    assert kafka_value_serializer(None) is None
    assert kafka_key_serializer("cand-1") == b"cand-1"
    assert kafka_value_deserializer(payload).envelope == envelope

    codec = faust_codecs.get_codec(CODEC_NAME)
    assert codec.dumps(envelope) == payload
    assert codec.dumps(decode(payload)) == payload  # a Received is re-encoded as is
    assert codec.loads(payload).event == sample_event(ev.CandidatePlaced)
    with pytest.raises(TypeError, match="envelope_for"):
        codec.dumps(sample_event(ev.CandidatePlaced))  # a bare event has no source
    with pytest.raises(PoisonMessage):
        codec.loads(b"{not json")
