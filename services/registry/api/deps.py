"""Dependencies of the registry's routes: the bus, and who may call what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.registry.bootstrap import RegistryRuntime
from services.registry.domain.reference import ReferenceData
from shared.auth import Caller, CallerDep, require_roles
from shared.bus import MessageBus
from shared.contracts.vocabulary import Role


def runtime_of(request: Request) -> RegistryRuntime:
    return request.app.state.runtime


def bus_of(request: Request) -> MessageBus:
    return runtime_of(request).bus


def reference_of(request: Request) -> ReferenceData:
    return runtime_of(request).reference


RuntimeDep = Annotated[RegistryRuntime, Depends(runtime_of)]
BusDep = Annotated[MessageBus, Depends(bus_of)]
ReferenceDep = Annotated[ReferenceData, Depends(reference_of)]
AnyRoleDep = CallerDep  # any authenticated organisation
AdminDep = Annotated[Caller, Depends(require_roles(Role.ADMIN))]
CorporationDep = Annotated[Caller, Depends(require_roles(Role.CORPORATION))]
AgreementWriterDep = Annotated[Caller, Depends(require_roles(Role.PROVINCE, Role.ADMIN))]
