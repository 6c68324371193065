"""One family of service errors, one set of problem+json handlers: the same kind of refusal
answers with the same fields in every service (driven through a FastAPI app built like the
services' own, with shared.problems' handlers)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.allocation.domain import InvalidResponse, ProposalNotOpen, UnknownProposal
from services.intake.domain.errors import DuplicatePerson, IdempotencyKeyReused
from services.intake.domain.errors import NotFound as IntakeNotFound
from services.registry.domain.errors import Conflict as RegistryConflict
from services.registry.domain.errors import InvalidInput as RegistryInvalidInput
from services.registry.domain.errors import NotFound as RegistryNotFound
from shared.errors import FieldError, ImportRejected, RowError
from shared.problems import PROBLEM_JSON, install_problem_handlers


def answer(error: Exception) -> tuple[int, dict, str]:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/boom")
    def boom():
        raise error

    response = TestClient(app).get("/boom")
    return response.status_code, response.json(), response.headers["content-type"]


COMMON = {"type", "title", "status", "instance", "detail", "code"}


@pytest.mark.parametrize("error, status, code", [
    (RegistryNotFound("no dwelling 0363010000000001 of yours"), 404, "not-found"),
    (IntakeNotFound(), 404, "not-found"),
    (UnknownProposal("p-1"), 404, "not-found"),
    (RegistryConflict("already open", "open-vacancy"), 409, "open-vacancy"),
    (DuplicatePerson("c-1"), 409, "duplicate-person"),
    (ProposalNotOpen("proposal p-1 is declined"), 409, "proposal-not-open"),
])
def test_the_same_kind_of_refusal_has_the_same_fields_in_every_service(error, status, code):
    got, body, media_type = answer(error)
    assert got == status and media_type == PROBLEM_JSON
    assert COMMON <= set(body)
    assert body["type"] == f"https://woonregie.nl/problems/{status}"
    assert body["code"] == code and body["instance"] == "/boom"


def test_intake_does_not_say_which_candidate_was_unknown():
    assert answer(IntakeNotFound())[1]["detail"] == "No such candidate."


@pytest.mark.parametrize("error, field, code", [
    (RegistryInvalidInput.of("rooms", "must be at least 1"), "rooms", "invalid"),
    (InvalidResponse("a decline needs a reason"), "reasonCode", "invalid"),
    (IdempotencyKeyReused(), "Idempotency-Key", "idempotency-key-reused"),
])
def test_input_errors_name_each_field_in_invalid_params(error, field, code):
    status, body, _ = answer(error)
    assert status == 422 and body["code"] == "invalid-input"
    assert body["invalidParams"][0]["name"] == field
    assert body["invalidParams"][0]["code"] == code
    assert body["detail"].startswith(f"{field}: ")


def test_every_bad_field_is_named_not_just_the_first():
    error = RegistryInvalidInput([FieldError("rooms", "too few"), FieldError("rent", "too high")])
    assert [p["name"] for p in answer(error)[1]["invalidParams"]] == ["rooms", "rent"]


def test_a_rejected_file_names_each_row():
    status, body, _ = answer(ImportRejected([RowError(3, "bsn", "fails the 11-test")], rows=7))
    assert status == 422 and body["rows"] == 7
    assert body["errors"] == [{"row": 3, "field": "bsn", "reason": "fails the 11-test"}]
    assert body["invalidParams"][0]["name"] == "rows[3].bsn"
    assert "nothing was imported" in body["detail"]
