"""Dependencies of allocation's routes: the bus, and who may call what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.allocation.bootstrap import AllocationRuntime
from shared.auth import Caller, CallerDep, require_roles
from shared.bus import MessageBus
from shared.contracts.vocabulary import Role


def bus_of(request: Request) -> MessageBus:
    runtime: AllocationRuntime = request.app.state.runtime
    return runtime.bus


BusDep = Annotated[MessageBus, Depends(bus_of)]
ReaderDep = CallerDep  # every role reads, each within its own organisation's records
# the parties to a proposal; municipality, province and admin only read
ResponderDep = Annotated[Caller, Depends(require_roles(
    Role.CORPORATION, Role.CARE_PROVIDER, Role.CARE_OFFICE))]
CorporationDep = Annotated[Caller, Depends(require_roles(Role.CORPORATION))]
