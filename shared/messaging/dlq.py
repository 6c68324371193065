"""Dead-letter publisher: keeps the raw message, the error, the consumer and the time."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from shared.contracts.periods import utcnow
from shared.contracts.topics import dlq_of

log = logging.getLogger(__name__)

# A letter holds the raw message twice (base64 and text): a message of 450 kB would already
# make a letter over the topic's 1 MB limit, and a letter that cannot be sent blocks its
# consumer on that message for good. Messages beyond this are kept cut, with size and hash.
MAX_RAW_BYTES = 256 * 1024
MAX_LETTER_BYTES = 900_000


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    partition: int | None
    offset: int | None
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]
    consumer: str
    error: str

    def document(self) -> dict:
        """The letter as JSON; a raw message too large to keep whole is cut (see MAX_RAW_BYTES)
        and marked `rawTruncated` with its size and SHA-256, so the letter always fits the
        DLQ topic (1 MB by default)."""
        value = self.value
        truncated = value is not None and len(value) > MAX_RAW_BYTES
        kept = value[:MAX_RAW_BYTES] if truncated else value
        text = None
        if kept is not None:
            try:
                text = kept.decode()
            except UnicodeDecodeError:
                text = None
        document = {
            "originalTopic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "key": self.key.decode(errors="replace") if self.key else None,
            "consumer": self.consumer,
            "error": self.error,
            "time": utcnow().isoformat(),
            "rawBase64": base64.b64encode(kept).decode() if kept else None,
            "rawText": text,
        }
        if truncated:
            document |= {"rawTruncated": True, "rawSize": len(value),
                         "rawSha256": hashlib.sha256(value).hexdigest()}
        if text is not None and len(json.dumps(document)) > MAX_LETTER_BYTES:
            document["rawText"] = None  # escaped control characters can blow text up 6 times
        return document


class DeadLetterDocument(BaseModel):
    """The letter on `<topic>.dlq`, as `DeadLetter.document()` writes it (the contract that
    docs/asyncapi.yaml publishes; a unit test keeps the two the same)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    original_topic: str
    partition: int | None
    offset: int | None
    key: str | None = Field(description="the original key, as text")
    consumer: str = Field(description="the consumer that gave up on the message")
    error: str = Field(description="why: a reason a person can read")
    time: datetime = Field(description="when, in UTC")
    raw_base64: str | None = Field(description="the raw message (cut beyond 256 KiB)")
    raw_text: str | None = Field(description="the same as UTF-8 text, when it is text")
    raw_truncated: bool | None = Field(default=None, description="present when the raw was cut")
    raw_size: int | None = Field(default=None, description="the raw message's full size")
    raw_sha256: str | None = Field(default=None, description="the full raw message's SHA-256")


class DeadLetterPublisher:
    """Sends dead letters synchronously: the consumer commits its offset only afterwards."""

    def __init__(self, producer):
        self.producer = producer

    def publish(self, letter: DeadLetter) -> None:
        target = dlq_of(letter.topic).name
        headers = list(letter.headers) + [
            ("dlq.error", letter.error.encode()[:1000]),
            ("dlq.consumer", letter.consumer.encode()),
        ]
        self.producer.send(
            target, key=letter.key, value=json.dumps(letter.document()).encode(), headers=headers
        ).get(timeout=10)
        log.warning(
            "message sent to DLQ",
            extra={"topic": letter.topic, "offset": letter.offset, "error": letter.error,
                   "consumer": letter.consumer},
        )
