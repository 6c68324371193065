"""Dead-letter publisher: keeps the raw message, the error, the consumer and the time."""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass

from shared.periods import utcnow
from shared.topics import dlq_of

log = logging.getLogger(__name__)


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
        text = None
        if self.value is not None:
            try:
                text = self.value.decode()
            except UnicodeDecodeError:
                text = None
        return {
            "originalTopic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "key": self.key.decode(errors="replace") if self.key else None,
            "consumer": self.consumer,
            "error": self.error,
            "time": utcnow().isoformat(),
            "rawBase64": base64.b64encode(self.value).decode() if self.value else None,
            "rawText": text,
        }


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
