"""Fair-share agreements: set by the province (or admin) per scope and period, versioned;
readable, with their targets and how they were computed, by every organisation."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from services.registry.api.deps import AgreementWriterDep, AnyRoleDep, BusDep
from services.registry.api.schemas import (
    AgreementIn,
    AgreementOut,
    MunicipalityTargetOut,
    TargetsOut,
)
from services.registry.domain.agreements import Agreement
from services.registry.service import commands as c
from shared.api import json_router
from shared.contracts.openapi import PERIOD, enforced

router = json_router(tags=["agreements"])
Scope = Annotated[str, Path(max_length=60, description="`province` or a region id",
                            json_schema_extra=enforced("province or a region (GET /v1/regions)"))]
PeriodLabel = Annotated[str, Path(max_length=10, description="a year (2026) or half (2026-H1)",
                                  json_schema_extra={"pattern": PERIOD})]
Version = Annotated[int | None, Query(ge=1, le=1_000_000, description="default: the latest")]
NOT_FOUND = {404: {"description": "no agreement (version) for this scope and period"}}


@router.put("/agreements/{scope}/{period}", response_model=AgreementOut, status_code=200,
            responses={201: {"model": AgreementOut, "description": "first version"}})
def put_agreement(scope: Scope, period: PeriodLabel, body: AgreementIn,
                  caller: AgreementWriterDep, bus: BusDep, response: Response):
    """Set the agreement: computes the targets, stores a new version and publishes it."""
    agreement = bus.handle(c.PublishAgreement(caller.org, scope, period, body.terms()))
    if agreement.version == 1:
        response.status_code = 201
    return AgreementOut.of(agreement)


@router.get("/agreements/{scope}/{period}", response_model=AgreementOut, responses=NOT_FOUND)
def read_agreement(scope: Scope, period: PeriodLabel, caller: AnyRoleDep, bus: BusDep,
                   version: Version = None):
    """The latest version, or an earlier one with ?version=N."""
    return AgreementOut.of(bus.handle(c.ReadAgreement(scope, period, version)))


@router.get("/agreements/{scope}/{period}/targets", response_model=TargetsOut,
            responses=NOT_FOUND)
def read_targets(scope: Scope, period: PeriodLabel, caller: AnyRoleDep, bus: BusDep,
                 version: Version = None):
    """Per municipality its key, target and carry-over, and how each was computed."""
    return _targets_out(bus.handle(c.ReadAgreement(scope, period, version)), bus)


@router.post("/agreements/{scope}/{period}/preview", response_model=TargetsOut)
def preview_targets(scope: Scope, period: PeriodLabel, body: AgreementIn,
                    caller: AgreementWriterDep, bus: BusDep):
    """The targets a PUT of these terms would set now; nothing is stored or published."""
    return _targets_out(bus.handle(c.PreviewAgreement(caller.org, scope, period, body.terms())),
                        bus)


def _targets_out(agreement: Agreement, bus: MessageBus) -> TargetsOut:
    names = {m.code: m.name for m in bus.handle(c.ListMunicipalities())}
    result = dict(agreement.result)
    breakdowns = result.pop("municipalities")
    return TargetsOut(
        scope=agreement.scope, period=agreement.period, version=agreement.version,
        scope_total=result["scopeTotal"], total_target=result["totalTarget"],
        targets=[MunicipalityTargetOut(
            municipality=b["municipality"], name=names.get(b["municipality"], ""),
            key=b["key"], base_target=b["baseTarget"], carry_over=b["carryOver"],
            target=b["target"], breakdown=b) for b in breakdowns],
        computation=result, basis=agreement.basis,
    )
