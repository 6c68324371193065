"""The AsyncAPI 3 document of every topic, generated from shared/ (docs/asyncapi.yaml).

Channels come from the topic registry (shared.contracts.topics), messages from the event contracts
(shared.contracts.events: every Event subclass defined there, found by subclassing so a new event type
is documented without a list to keep), the dead letter from shared.messaging.dlq. Each message is the
CloudEvents 1.0 envelope (structured JSON) whose `data` is the event's JSON Schema, generated
by pydantic with the camelCase wire names. `woonregie contracts asyncapi --check` fails when
the committed file differs from what the code generates.
"""

from __future__ import annotations

from pydantic.json_schema import models_json_schema

from shared.api import API_VERSION
from shared.contracts import events, topics
from shared.contracts.events import Event
from shared.contracts.openapi import CONTACT
from shared.messaging.dlq import DeadLetterDocument

ASYNCAPI_VERSION = "3.0.0"
REF = "#/components/schemas/{model}"
KAFKA_BINDING = "0.5.0"
# who writes a topic: the service its name starts with; the feed is written by corporations
INBOUND = {topics.VACANCY_FEED.name}
DESCRIPTION = """\
Every Kafka topic of Woonregie. Each message is a CloudEvents 1.0 document in structured JSON
mode (`type` = `nl.woonregie.<name>.v<major>`); its `data` is the event. Consumers ignore
fields they do not know (minor, additive changes) and send a major version they do not know to
the topic's dead-letter queue (`<topic>.dlq`), with the reason. No topic carries personal
data: a candidate is known by the pseudonymous id intake hands out.

Corporations stream their vacancies to their own topic `registry.feed.{corporation}.v1`
(or the shared `registry.vacancy-feed.v1`; docs/INTEGRATION.md shows how); everything else is
written by the platform's services.
"""
FEED_RULES = """\
A record the registry cannot apply goes to `registry.vacancy-feed.v1.dlq` with the reason.
The dwelling must be registered first (`PUT /v1/dwellings/{bagId}` on the registry, or a CSV
import) and must be the corporation's own. `announced` needs `availableFrom`; `let` needs
`tenantType` (and takes `letOn`, default today); `withdrawn` takes `withdrawnOn` (default
today). Repeating a record is harmless: the CloudEvents `id` is deduplicated, and a vacancy
already announced, withdrawn or let is not changed again.
"""


def event_classes() -> list[type[Event]]:
    """Every event type in shared.contracts.events, including ones added after this module."""
    found, pending = [], list(Event.__subclasses__())
    while pending:
        cls = pending.pop(0)
        pending.extend(cls.__subclasses__())
        if cls.__module__ == events.__name__ and "NAME" in cls.__dict__:
            found.append(cls)
    return sorted(found, key=lambda cls: (cls.TOPIC.name, cls.type_name()))


def asyncapi_document() -> dict:
    classes = event_classes()
    schemas = _schemas(classes)
    messages = {cls.__name__: _message(cls) for cls in classes}
    messages["DeadLetter"] = _dead_letter_message()
    channels, operations = {}, {}
    for topic in topics.MAIN_TOPICS:
        names = [cls.__name__ for cls in classes if cls.TOPIC.name == topic.name]
        channels[_id(topic.name)] = _channel(topic, names)
        channels[_id(topic.dlq.name)] = _channel(topic.dlq, ["DeadLetter"])
        operations |= _operations(topic, names)
        if topic is topics.VACANCY_FEED:
            channels[FEED_CHANNEL] = _corporation_feed_channel(names)
            operations |= _corporation_feed_operation(names)
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {"title": "Woonregie topics", "version": API_VERSION,
                 "description": DESCRIPTION, "contact": CONTACT,
                 "license": {"name": "EUPL-1.2",
                             "url": "https://interoperable-europe.ec.europa.eu/collection/eupl"}},
        "defaultContentType": "application/cloudevents+json",
        "servers": SERVERS,
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas,
                       "securitySchemes": SECURITY_SCHEMES},
    }


def _schemas(classes: list[type[Event]]) -> dict:
    models = [(cls, "validation") for cls in [*classes, DeadLetterDocument]]
    keyed, definitions = models_json_schema(models, ref_template=REF)
    schemas = dict(definitions.get("$defs", {}))
    for (cls, _), schema in keyed.items():
        if "$ref" not in schema:
            schemas[cls.__name__] = schema
    return dict(sorted(schemas.items()))


def _message(cls: type[Event]) -> dict:
    doc = (cls.__doc__ or "").strip()
    return {
        "name": cls.type_name(),
        "title": cls.__name__,
        "summary": doc.splitlines()[0] if doc else f"{cls.NAME}, version {cls.VERSION}",
        "contentType": "application/cloudevents+json",
        "payload": _envelope(cls),
        "bindings": {"kafka": {"key": {"type": "string", "description": cls.TOPIC.key},
                               "bindingVersion": KAFKA_BINDING}},
    }


def _envelope(cls: type[Event]) -> dict:
    return {
        "type": "object",
        "description": "CloudEvents 1.0, structured JSON mode",
        "required": ["specversion", "id", "source", "type", "time", "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {"type": "string", "minLength": 1,
                   "description": "unique per event; consumers drop a repeated id"},
            "source": {"type": "string", "minLength": 1, "examples": ["urn:woonregie:registry"]},
            "type": {"const": cls.type_name()},
            "time": {"type": "string", "format": "date-time"},
            "subject": {"type": "string", "description": "the message key"},
            "datacontenttype": {"const": "application/json"},
            "data": {"$ref": REF.format(model=cls.__name__)},
        },
    }


def _dead_letter_message() -> dict:
    return {
        "name": "dead-letter",
        "title": "DeadLetter",
        "summary": "A message a consumer could not process: the raw message and why.",
        "contentType": "application/json",
        "payload": {"$ref": REF.format(model=DeadLetterDocument.__name__)},
        "headers": {"type": "object", "properties": {
            "dlq.error": {"type": "string", "description": "the reason, at most 1000 bytes"},
            "dlq.consumer": {"type": "string", "description": "the consumer that gave up"},
        }},
        "bindings": {"kafka": {"key": {"type": "string",
                                       "description": "the original message's key"},
                               "bindingVersion": KAFKA_BINDING}},
    }


def _channel(topic: topics.Topic, message_names: list[str]) -> dict:
    description = topic.description
    if topic.name == topics.VACANCY_FEED.name:
        description += "\n\n" + FEED_RULES
    return {
        "address": topic.name,
        "title": topic.name,
        "description": f"{description}\n\nKey: {topic.key}.",
        "messages": {name: {"$ref": f"#/components/messages/{name}"}
                     for name in message_names},
        "bindings": {"kafka": {
            "topic": topic.name, "partitions": topic.partitions,
            "topicConfiguration": {"cleanup.policy": [str(topic.cleanup)],
                                   "retention.ms": topic.retention_ms},
            "bindingVersion": KAFKA_BINDING}},
    }


FEED_CHANNEL = "registry-feed-corporation-v1"
CORPORATION_FEED_RULES = """\
Each corporation's own feed: its Kafka user may write only topics starting with
`registry.feed.{corporation}.` (a prefixed ACL), so the topic name says who wrote a record. A
record whose `corporation` is not the topic's goes to `registry.vacancy-feed.v1.dlq` with the
reason; otherwise the rules of `registry.vacancy-feed.v1` apply.
"""


def _corporation_feed_channel(message_names: list[str]) -> dict:
    feed = topics.VACANCY_FEED
    channel = _channel(feed, message_names)
    channel |= {
        "address": topics.CORPORATION_FEED_ADDRESS,
        "title": topics.CORPORATION_FEED_ADDRESS,
        "description": f"{CORPORATION_FEED_RULES}\n{FEED_RULES}\nKey: {feed.key}.",
        "parameters": {"corporation": {
            "description": "the corporation's organisation id, as in its API token "
                           "(lower case letters, digits and -)",
            "examples": ["lefier"]}},
    }
    channel["bindings"]["kafka"].pop("topic")  # one topic per corporation
    return channel


def _corporation_feed_operation(names: list[str]) -> dict:
    return {f"receive-{FEED_CHANNEL}": {
        "action": "receive",
        "channel": {"$ref": f"#/channels/{FEED_CHANNEL}"},
        "summary": f"each corporation writes its own {topics.CORPORATION_FEED_ADDRESS}",
        "messages": [{"$ref": f"#/channels/{FEED_CHANNEL}/messages/{name}"} for name in names],
    }}


def _operations(topic: topics.Topic, names: list[str]) -> dict:
    channel, dlq = _id(topic.name), _id(topic.dlq.name)
    inbound = topic.name in INBOUND
    writer = "corporations" if inbound else topic.name.split(".")[0]
    action = "receive" if inbound else "send"
    return {
        f"{action}-{channel}": {
            "action": action,
            "channel": {"$ref": f"#/channels/{channel}"},
            "summary": f"{writer} write {topic.name}" if inbound else f"{writer} writes "
                                                                       f"{topic.name}",
            "messages": [{"$ref": f"#/channels/{channel}/messages/{name}"} for name in names],
        },
        f"send-{dlq}": {
            "action": "send",
            "channel": {"$ref": f"#/channels/{dlq}"},
            "summary": f"a consumer of {topic.name} parks a message it cannot process",
            "messages": [{"$ref": f"#/channels/{dlq}/messages/DeadLetter"}],
        },
    }


def _id(topic_name: str) -> str:
    return topic_name.replace(".", "-")


SECURITY_SCHEMES = {
    "scramSha512": {"type": "scramSha512", "description":
                    "WOONREGIE_KAFKA_SECURITY_PROTOCOL=SASL_SSL, _SASL_MECHANISM=SCRAM-SHA-512"},
    "scramSha256": {"type": "scramSha256", "description":
                    "WOONREGIE_KAFKA_SECURITY_PROTOCOL=SASL_SSL, _SASL_MECHANISM=SCRAM-SHA-256"},
    "plain": {"type": "plain", "description":
              "SASL PLAIN, only over TLS (SASL_SSL); the CA in WOONREGIE_KAFKA_SSL_CAFILE"},
}
SERVERS = {
    "local": {
        "host": "127.0.0.1:9092", "protocol": "kafka", "protocolVersion": "4.4.0",
        "description": "`make run`: one broker on loopback, PLAINTEXT, no authentication.",
    },
    "compose": {
        "host": "kafka:9092", "protocol": "kafka", "protocolVersion": "4.4.0",
        "description": "`docker compose up`: PLAINTEXT inside the compose network only.",
    },
    "production": {
        "host": "{broker}", "protocol": "kafka-secure", "protocolVersion": "4.4.0",
        "description": "A production cluster: TLS (SASL_SSL) with SASL authentication; "
                       "each organisation gets its own credentials and ACLs (a corporation "
                       "writes only its own registry.feed.{corporation}.v1, through the "
                       "EXTERNAL listener).",
        "variables": {"broker": {"default": "kafka.example.org:9093",
                                 "description": "the bootstrap server of the cluster"}},
        "security": [{"$ref": f"#/components/securitySchemes/{name}"}
                     for name in SECURITY_SCHEMES],
    },
}
