"""schemathesis with every check against each service's OpenAPI document, through the ASGI
app (lifespan running, on the test broker), with valid tokens of a role that may call the
operation: responses conform to the document (status codes, content types, headers, bodies),
schema-valid requests are accepted (2xx, or 401/403/404/409 for state), invalid ones refused.

Bounded: EXAMPLES per operation and generation mode, so all services fit in a few minutes.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi.checks import RejectedPositiveData

from services.intake.domain.bsn import fake_bsn
from shared.contracts.openapi import ENFORCED

pytestmark = pytest.mark.kafka

# `format: bsn` in intake's schema: 9 digits that pass the elfproef
schemathesis.openapi.format("bsn", st.builds(fake_bsn, st.randoms(use_true_random=False)))

EXAMPLES = 10  # per operation and generation mode
ORG = {"care-provider": "demo-beschermd-wonen-stad", "municipality": "GM0014",
       "corporation": "lefier", "province": "provincie-groningen", "admin": "beheer"}
ROLE_FOR = {  # the role that may call an operation (paths relative to the server URL /v1)
    "registry": lambda method, path: (
        "admin" if path.startswith("/municipalities/") and method == "PUT"
        else "province" if path.startswith("/agreements") and method in ("PUT", "POST")
        else "corporation"),
    "intake": lambda method, path: (
        "municipality" if path.endswith("/urgency-decisions") else "care-provider"),
    "allocation": lambda method, path: "corporation",
    "monitoring": lambda method, path: "province",
}


def all_checks() -> list:
    load_all_checks()
    return list(CHECKS.get_all())


def enforced_fields(document) -> set[str]:
    """Fields with a rule JSON Schema cannot state (`x-enforced`, e.g. a date after today)."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for name, schema in (node.get("properties") or {}).items():
                if isinstance(schema, dict) and ENFORCED in schema:
                    found.add(name)
            if node.get("in") and ENFORCED in (node.get("schema") or {}):
                found.add(node["name"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return found


def refused_only_for_enforced_rules(failure, response, case, enforced: set[str]) -> bool:
    """A schema-valid request refused (422) only by rules the document states as x-enforced:
    on the fields named in invalidParams, or on the whole body (a CSV file)."""
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 422:
        return False
    body = case.operation.definition.raw.get("requestBody", {}).get("content", {})
    if any(ENFORCED in (media.get("schema") or {}) for media in body.values()):
        return True
    names = {re.split(r"[.\[]", re.sub(r"^(body|query|path)\.", "", param["name"]))[0]
             for param in response.json().get("invalidParams", [])}
    return bool(names) and names <= enforced


def exercise(operation, headers: dict, mode: GenerationMode, failures: list[str],
             enforced: set[str]) -> int:
    calls = 0

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        nonlocal calls
        response = case.call(headers=headers)
        calls += 1
        try:
            case.validate_response(response, checks=all_checks(), headers=headers)
        except FailureGroup as group:  # record every failure, go on with the next case
            failures.extend(f"{mode.value} {case.method} {case.formatted_path}: "
                            f"{type(f).__name__} {f.title} {f.message[:200]!r} "
                            f"query={case.query} body={str(case.body)[:200]} -> "
                            f"{response.status_code} {response.text[:300]}"
                            for f in group.exceptions
                            if not refused_only_for_enforced_rules(f, response, case, enforced))

    try:
        run()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE, operation.label  # nothing to make invalid
    return calls


@pytest.mark.parametrize("service", ["registry", "intake", "allocation", "monitoring"])
def test_every_operation_conforms_to_its_document_with_all_checks(service, service_app,
                                                                  tokens):
    client = service_app(service)
    schema = schemathesis.openapi.from_asgi("/v1/openapi.json", client.app)
    # the valid token is sent with every case; unknown query parameters are ignored, as the
    # Design Rules allow, so neither is varied
    schema.config.generation.update(with_security_parameters=False,
                                    allow_extra_parameters=False)
    headers = {role: tokens.issue(org, role) for role, org in ORG.items()}
    failures: list[str] = []
    enforced = enforced_fields(client.get("/v1/openapi.json").json())
    operations = [result.ok() for result in schema.get_all_operations()]
    calls = 0
    for operation in operations:
        role = ROLE_FOR[service](operation.method.upper(), operation.path)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            calls += exercise(operation, headers[role], mode, failures, enforced)
    assert calls >= len(operations), "every operation was called"
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures[:12])
