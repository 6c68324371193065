"""docs/asyncapi.yaml: generated from shared/ by `woonregie contracts asyncapi`, so it cannot
drift from the code; complete (every topic and its DLQ, every event type, the dead letter);
true to the wire (real encoded events validate against their message schema); and valid for
the official AsyncAPI parser (@asyncapi/parser from npm, `npm ci`)."""

from __future__ import annotations

import json
import subprocess

import jsonschema_rs
import pytest
import yaml
from factories import sample_events
from typer.testing import CliRunner

from shared.contracts import events as ev
from shared.contracts import topics
from shared.contracts.asyncapi import event_classes
from shared.contracts.envelope import encode
from shared.local.cli import app as cli
from shared.messaging.dlq import DeadLetter
from shared.settings import REPO_ROOT

DOCUMENT = REPO_ROOT / "docs" / "asyncapi.yaml"
VALIDATOR = REPO_ROOT / "tests" / "contract" / "asyncapi" / "validate.mjs"


@pytest.fixture(scope="module")
def document() -> dict:
    return yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))


def test_the_committed_document_is_what_the_code_generates():
    result = CliRunner().invoke(cli, ["contracts", "asyncapi", "--check", "--out", str(DOCUMENT)])
    assert result.exit_code == 0, result.output


def test_check_fails_when_the_document_drifted(tmp_path):
    stale = tmp_path / "asyncapi.yaml"
    stale.write_text(DOCUMENT.read_text().replace("registry.vacancy-announced", "renamed", 1))
    result = CliRunner().invoke(cli, ["contracts", "asyncapi", "--check", "--out", str(stale)])
    assert result.exit_code == 1 and "out of date" in result.output
    assert CliRunner().invoke(cli, ["contracts", "asyncapi", "--out", str(stale)]).exit_code == 0
    assert stale.read_text() == DOCUMENT.read_text()


def test_every_event_type_of_shared_events_is_found():
    defined = {value for value in vars(ev).values()
               if isinstance(value, type) and issubclass(value, ev.Event) and value is not ev.Event}
    assert set(event_classes()) == defined
    assert set(ev.EVENT_CLASSES) <= defined


def test_every_topic_dlq_and_event_type_is_documented(document):
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {topic.name for topic in topics.ALL_TOPICS} | {
        topics.CORPORATION_FEED_ADDRESS}
    names = {message["name"] for message in document["components"]["messages"].values()}
    assert names == {cls.type_name() for cls in event_classes()} | {"dead-letter"}
    for cls in event_classes():
        channel = document["channels"][cls.TOPIC.name.replace(".", "-")]
        assert cls.__name__ in channel["messages"], cls
        key = document["components"]["messages"][cls.__name__]["bindings"]["kafka"]["key"]
        assert key["description"] == cls.TOPIC.key
    feed = document["channels"]["registry-vacancy-feed-v1"]
    assert "registered first" in feed["description"]
    assert document["operations"]["receive-registry-vacancy-feed-v1"]["action"] == "receive"
    own_feed = document["channels"]["registry-feed-corporation-v1"]
    assert own_feed["address"] == "registry.feed.{corporation}.v1"
    assert "corporation" in own_feed["parameters"] and "FeedVacancyReported" in own_feed["messages"]
    assert "prefixed ACL" in own_feed["description"]
    assert document["operations"]["receive-registry-feed-corporation-v1"]["action"] == "receive"
    assert document["servers"]["production"]["security"]


def _validator(document: dict, message: str):
    schemas = json.loads(json.dumps(document["components"]["schemas"])
                         .replace("#/components/schemas/", "#/$defs/"))
    payload = document["components"]["messages"][message]["payload"]
    if "$ref" in payload:
        payload = {"$ref": payload["$ref"]}
    payload = json.loads(json.dumps(payload).replace("#/components/schemas/", "#/$defs/"))
    return jsonschema_rs.Draft202012Validator({**payload, "$defs": schemas})


def test_events_as_encoded_on_the_wire_match_their_message_schema(document):
    for event in sample_events():
        wire = json.loads(encode(event, source="urn:woonregie:tests"))
        errors = [e.message for e in _validator(document, type(event).__name__)
                  .iter_errors(wire)]
        assert not errors, (type(event).__name__, errors)
    wrong = json.loads(encode(sample_events()[0], source="urn:woonregie:tests"))
    wrong["type"] = "nl.woonregie.something-else.v1"
    assert not _validator(document, type(sample_events()[0]).__name__).is_valid(wrong)


def test_a_dead_letter_matches_its_schema(document):
    letter = DeadLetter("registry.vacancy-feed.v1", 0, 7, b"lefier:0014010011067299",
                        b'{"not": "an event"}', [], "registry.vacancy-feed", "not a CloudEvent")
    validator = _validator(document, "DeadLetter")
    assert validator.is_valid(json.loads(json.dumps(letter.document())))
    big = DeadLetter("intake.candidates.v1", 1, 8, None, b"x" * 300_000, [], "c", "too big")
    assert validator.is_valid(json.loads(json.dumps(big.document())))
    assert not validator.is_valid({**letter.document(), "unexpected": 1})


def test_the_asyncapi_parser_accepts_the_document():
    assert (REPO_ROOT / "node_modules" / "@asyncapi" / "parser").exists(), "run `npm ci`"
    result = subprocess.run(["node", str(VALIDATOR), str(DOCUMENT)], capture_output=True,
                            text=True, timeout=300, cwd=REPO_ROOT)
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"], report["diagnostics"]
    assert report["channels"] == len(topics.ALL_TOPICS) + 1  # + the corporations' own feeds
    assert report["messages"] == len(event_classes()) + 1


def test_the_parser_rejects_a_broken_document(tmp_path, document):
    broken = dict(document, channels={"x": {"address": "x", "messages": {
        "m": {"$ref": "#/components/messages/DoesNotExist"}}}})
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken))
    result = subprocess.run(["node", str(VALIDATOR), str(path)], capture_output=True,
                            text=True, timeout=300, cwd=REPO_ROOT)
    assert result.returncode == 1 and not json.loads(result.stdout)["valid"]
