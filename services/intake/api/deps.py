"""Dependencies of intake's routes: the runtime, the bus, and who may call what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from services.intake.bootstrap import IntakeRuntime
from services.intake.service.commands import Caller as CommandCaller
from shared.auth import Caller, require_roles
from shared.bus import MessageBus
from shared.contracts.openapi import enforced
from shared.contracts.vocabulary import Role


def runtime_of(request: Request) -> IntakeRuntime:
    return request.app.state.runtime


def bus_of(request: Request) -> MessageBus:
    return runtime_of(request).bus


def _as_command_caller(caller: Caller) -> CommandCaller:
    person = caller.person
    return CommandCaller(org=caller.org, role=str(caller.role),
                         person_subject=person.subject if person else None,
                         person_email=person.email if person else None)


def _registrar(caller: Annotated[Caller, Depends(require_roles(
        Role.CARE_PROVIDER, Role.CARE_OFFICE))]) -> CommandCaller:
    return _as_command_caller(caller)


def _municipality(caller: Annotated[Caller, Depends(require_roles(Role.MUNICIPALITY))]
                  ) -> CommandCaller:
    return _as_command_caller(caller)


def _lister(caller: Annotated[Caller, Depends(require_roles(
        Role.CARE_PROVIDER, Role.CARE_OFFICE, Role.MUNICIPALITY))]) -> CommandCaller:
    return _as_command_caller(caller)


def _applicant(caller: Annotated[Caller, Depends(require_roles(
        Role.CARE_PROVIDER, Role.CARE_OFFICE, Role.MUNICIPALITY))]) -> CommandCaller:
    return _as_command_caller(caller)


RuntimeDep = Annotated[IntakeRuntime, Depends(runtime_of)]
BusDep = Annotated[MessageBus, Depends(bus_of)]
RegistrarDep = Annotated[CommandCaller, Depends(_registrar)]
MunicipalityDep = Annotated[CommandCaller, Depends(_municipality)]
ListerDep = Annotated[CommandCaller, Depends(_lister)]
ApplicantDep = Annotated[CommandCaller, Depends(_applicant)]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=255,
    description="a retry with the same key and body returns the first answer",
    json_schema_extra=enforced("a key used before comes with the same body (else 422)"),
)]
