"""Kafka (de)serializers built on `shared.contracts.envelope`, for kafka-python and for Faust.

kafka-python:
    KafkaProducer(value_serializer=kafka_value_serializer, key_serializer=kafka_key_serializer)
    producer.send(topic, key=event.key(), value=envelope_for(event, source=...))

Faust: importing this module registers the codec "cloudevents":
    app.topic(name, key_type=str, value_serializer="cloudevents")   # agent receives Received

A value that cannot be decoded raises `PoisonMessage` (Faust wraps it in ValueDecodeError and
skips the record). A consumer that must dead-letter poison messages reads raw bytes
(`value_serializer="raw"`, or no deserializer) and calls `shared.contracts.envelope.decode` itself.
"""

from __future__ import annotations

from faust.serializers import codecs as faust_codecs

from shared.contracts.envelope import CloudEvent, Received, decode, encode_envelope

CODEC_NAME = "cloudevents"


def to_bytes(value: CloudEvent | Received | bytes) -> bytes:
    """The wire form of an envelope (a `Received` is re-encoded from its envelope)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, Received):
        value = value.envelope
    if isinstance(value, CloudEvent):
        return encode_envelope(value)
    raise TypeError(
        f"expected a CloudEvent envelope or bytes, got {type(value).__name__}; "
        "wrap an Event with shared.contracts.envelope.envelope_for(event, source=...)"
    )


def kafka_value_serializer(value: CloudEvent | Received | bytes | None) -> bytes | None:
    return None if value is None else to_bytes(value)


def kafka_value_deserializer(raw: bytes | None) -> Received:
    """Raises PoisonMessage: use it only where a poison message may stop the consumer."""
    return decode(raw)


def kafka_key_serializer(key: str | bytes | None) -> bytes | None:
    if key is None or isinstance(key, bytes):
        return key
    return str(key).encode()


def kafka_key_deserializer(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("utf-8", errors="replace")


class CloudEventCodec(faust_codecs.Codec):
    """Faust codec: bytes <-> `shared.contracts.envelope.Received` (dumps takes an envelope or bytes)."""

    def _dumps(self, obj: CloudEvent | Received | bytes) -> bytes:
        return to_bytes(obj)

    def _loads(self, s: bytes) -> Received:
        return decode(s)


faust_codecs.register(CODEC_NAME, CloudEventCodec())
