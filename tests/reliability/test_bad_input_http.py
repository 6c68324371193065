"""Bad input over HTTP: schemathesis against every operation of each service's OpenAPI
document, through the ASGI app (lifespan running, on the test broker), with a valid token of
a role that gets past authorisation, so the input reaches validation and the handlers.

Valid (positive) and invalid (negative) cases for every operation: never a 5xx, and every
4xx is application/problem+json. Bounded: a few examples per operation and mode.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from reliability_helpers import ORG, PROBLEM

pytestmark = pytest.mark.kafka

EXAMPLES = 12  # per operation and generation mode

# the role whose token is sent: one that may call the operation
ROLE_FOR = {
    "registry": lambda method, path: (  # paths relative to the server URL /v1
        "admin" if path.startswith("/municipalities/") and method == "PUT"
        else "province" if path.startswith("/agreements") and method == "PUT"
        else "corporation"),
    "intake": lambda method, path: (
        "municipality" if path.endswith("/urgency-decisions") else "care-provider"),
    "allocation": lambda method, path: "corporation",
    "monitoring": lambda method, path: "province",
}


def check(response, label: str) -> None:
    status = response.status_code
    assert status < 500, f"{label}: {status} {response.text[:300]}"
    if status >= 400:
        content_type = response.headers.get("content-type", "")
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.split(";")[0] == PROBLEM, f"{label}: {status} as {content_type}"
        body = response.json()
        assert body["status"] == status and body["title"], (label, body)


def fuzz_operation(client, operation, headers: dict, mode: GenerationMode) -> int:
    calls = 0

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        nonlocal calls
        case.headers = {**(case.headers or {}), **headers}
        response = case.call()
        calls += 1
        check(response, f"{mode.value} {case.method} {case.formatted_path} "
                        f"query={case.query} body={str(case.body)[:200]}")

    try:
        run()
    except Unsatisfiable:
        # nothing to make invalid: an operation without parameters or body
        assert mode is GenerationMode.NEGATIVE and not has_input(operation), operation.label
    return calls


def has_input(operation) -> bool:
    parameters = operation.definition.raw.get("parameters", [])
    return bool(parameters) or "requestBody" in operation.definition.raw


@pytest.mark.parametrize("service", ["registry", "intake", "allocation", "monitoring"])
def test_no_input_makes_a_service_fail_and_every_error_is_problem_json(
        service, service_app, tokens):
    client = service_app(service)
    schema = schemathesis.openapi.from_asgi("/v1/openapi.json", client.app)
    headers = {role: tokens.issue(ORG[role], role) for role in ORG}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    total = 0
    for operation in operations:
        role = ROLE_FOR[service](operation.method.upper(), operation.path)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            total += fuzz_operation(client, operation, headers[role], mode)
    assert total >= len(operations) * 2  # every operation was called
