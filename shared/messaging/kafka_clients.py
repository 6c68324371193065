"""kafka-python clients configured from settings (bootstrap, security, idempotence)."""

from __future__ import annotations

from typing import Any

from kafka import KafkaConsumer, KafkaProducer

from shared.settings import WoonregieSettings


def make_producer(settings: WoonregieSettings, **overrides: Any) -> KafkaProducer:
    """An idempotent producer: a retried send never writes a message twice."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap,
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 2,
        "max_block_ms": 5_000,
        "request_timeout_ms": 10_000,
        "client_id": f"woonregie-{settings.service_name}",
        **settings.kafka_security(),
        **settings.kafka_reconnect(),
    }
    options.update(overrides)
    return KafkaProducer(**options)


def make_consumer(
    settings: WoonregieSettings, *topics: str, group_id: str | None, **overrides: Any
) -> KafkaConsumer:
    options: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap,
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "client_id": f"woonregie-{settings.service_name}",
        **settings.kafka_security(),
        **settings.kafka_reconnect(),
        **settings.kafka_fetch(),
    }
    options.update(overrides)
    return KafkaConsumer(*topics, **options)
