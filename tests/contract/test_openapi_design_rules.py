"""Every service's OpenAPI document (as served at /v1/openapi.json) against the official NL API
Design Rules linter: Logius' Spectral ruleset (vendored in spectral/linter.yaml), run by the
Spectral CLI from the project's node_modules (`npm ci`; .ci/run does it). 0 errors allowed."""

from __future__ import annotations

import json
import subprocess

import pytest
from fastapi.testclient import TestClient

from shared.local.contracts_cli import scratch_app
from shared.local.services import SERVICES
from shared.settings import REPO_ROOT

RULESET = REPO_ROOT / "tests" / "contract" / "spectral" / "linter.yaml"
SPECTRAL = REPO_ROOT / "node_modules" / ".bin" / "spectral"
ERROR = 0  # Spectral's severity codes: 0 error, 1 warn, 2 info, 3 hint


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, dict]:
    """Each service's document, fetched over HTTP from the app (built, not started)."""
    served = {}
    for service in SERVICES:
        app = scratch_app(service, str(tmp_path_factory.mktemp(service)))
        response = TestClient(app).get("/v1/openapi.json")
        assert response.status_code == 200 and response.headers["api-version"]
        served[service] = response.json()
    return served


def lint(paths: list) -> list[dict]:
    assert SPECTRAL.exists(), "Spectral is missing: run `npm ci` in the repository root"
    result = subprocess.run(
        [str(SPECTRAL), "lint", "--ruleset", str(RULESET), "--format", "json", "--quiet",
         "--fail-severity", "error", *map(str, paths)],
        capture_output=True, text=True, timeout=300)
    assert result.stdout.strip().startswith("["), result.stdout + result.stderr
    return json.loads(result.stdout)


def test_every_service_passes_the_design_rules_linter_without_errors(documents, tmp_path):
    paths = []
    for service, document in documents.items():
        path = tmp_path / f"{service}.openapi.json"
        path.write_text(json.dumps(document))
        paths.append(path)
    findings = lint(paths)
    errors = [f"{f['source'].rsplit('/', 1)[-1]} {'.'.join(map(str, f['path']))}: "
              f"{f['code']} {f['message']}" for f in findings if f["severity"] == ERROR]
    assert not errors, "\n".join(errors)


def test_the_linter_finds_errors_in_a_bare_fastapi_document(tmp_path):
    """The ruleset bites: FastAPI's own document (no servers, contact, problem schemas)."""
    from fastapi import FastAPI

    bare = FastAPI(title="bare", version="1.0.0")

    @bare.get("/v1/things/{id}")
    def thing(id: int) -> dict:
        return {}

    path = tmp_path / "bare.json"
    path.write_text(json.dumps(bare.openapi()))
    codes = {f["code"] for f in lint([path]) if f["severity"] == ERROR}
    assert {"oas3-api-servers", "info-contact", "nlgov:missing-header",
            "nlgov:use-problem-schema", "nlgov:problem-invalid-input"} <= codes


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_documents_state_version_header_problems_and_security(documents, service):
    document = documents[service]
    assert document["servers"] == [{"url": "/v1", "description": "this service (relative URL)"}]
    assert {"name", "url", "email"} <= set(document["info"]["contact"])
    for path, item in document["paths"].items():
        for method, operation in item.items():
            label = f"{service} {method.upper()} {path}"
            for status, response in operation["responses"].items():
                assert response["headers"]["API-Version"]["required"], label
                if status.startswith("4"):
                    assert list(response["content"]) == ["application/problem+json"], label
            if operation.get("parameters") or "requestBody" in operation:
                assert {"400", "422"} <= set(operation["responses"]), label
            if "security" in operation:
                assert {"401", "403"} <= set(operation["responses"]), label


def test_security_is_optional_only_where_a_public_view_answers(documents):
    optional = {f"{service} {method.upper()} {path}"
                for service, document in documents.items()
                for path, item in document["paths"].items()
                for method, operation in item.items() if {} in operation.get("security", [])}
    assert "monitoring GET /realisation" in optional
    assert not [label for label in optional if not label.startswith("monitoring ")], optional
    core = {name: documents[name] for name in ("registry", "intake", "allocation", "monitoring")}
    open_ = {f"{service} {path}" for service, document in core.items()
             for path, item in document["paths"].items()
             if any("security" not in operation for operation in item.values())}
    assert open_ == {f"{service} /health" for service in core} | {
        "monitoring /filter-options"}
