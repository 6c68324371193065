"""Dependencies of the registry's routes: the bus, and who may call what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.registry.domain.reference import ReferenceData
from shared.bus import MessageBus
from shared.auth import Caller, CallerDep, require_roles
from shared.runtime import Runtime
from shared.vocabulary import Role


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime


def bus_of(request: Request) -> MessageBus:
    return request.app.state.runtime.extras["bus"]


def reference_of(request: Request) -> ReferenceData:
    return request.app.state.runtime.extras["reference"]


RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
BusDep = Annotated[MessageBus, Depends(bus_of)]
ReferenceDep = Annotated[ReferenceData, Depends(reference_of)]
AnyRoleDep = CallerDep  # any authenticated organisation
AdminDep = Annotated[Caller, Depends(require_roles(Role.ADMIN))]
CorporationDep = Annotated[Caller, Depends(require_roles(Role.CORPORATION))]
AgreementWriterDep = Annotated[Caller, Depends(require_roles(Role.PROVINCE, Role.ADMIN))]
