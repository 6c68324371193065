"""Woonzorgvisie reports: JSON by default, CSV with `Accept: text/csv` or `format=csv`.

Exact figures for province and admin, and for a municipality about its own areas; everyone
else sees the public view with counts under 5 suppressed. As for the other reports, a
municipality asking for another municipality's detail gets 403 (the public figures are there
without a token).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.monitoring.api.deps import EXACT_ROLES, LiveDep, RuntimeDep
from services.monitoring.api.exports import CSV_TYPE, json_response, to_csv, wants_csv
from services.monitoring.service import woonzorgvisie_reports as reports
from services.monitoring.service.reports import Disclosure, Report
from shared.auth import Caller, OptionalCallerDep
from shared.contracts.openapi import PERIOD
from shared.contracts.periods import Period
from shared.contracts.vocabulary import Role
from shared.problems import Problem, invalid

router = APIRouter(tags=["woonzorgvisie"])
BOTH_DOC = {200: {"content": {"application/json": {}, "text/csv": {}},
                  "description": "the report (JSON, or CSV on Accept: text/csv)"}}
_AREA = re.compile(r"^(GM\d{4}|WK\d{6})$")
_MUNICIPALITY = re.compile(r"^GM\d{4}$")
Format = Annotated[str | None, Query(pattern="^(json|csv)$", description="json or csv")]


def _disclosure(runtime, caller: Caller | None, area: str | None) -> Disclosure:
    threshold = runtime.settings.suppression_threshold
    own = caller is not None and area is not None and area[2:6] == caller.org[2:]
    if caller is not None and caller.role == Role.MUNICIPALITY and area is not None and not own:
        raise Problem(403, detail=(
            f"Municipality {caller.org} sees its own areas in detail, not {area}; the public "
            f"figures of {area} are available without a token."))
    exact = caller is not None and (caller.role in EXACT_ROLES or (
        caller.role == Role.MUNICIPALITY and own))
    return Disclosure(exact=exact, threshold=threshold)


def _answer(request: Request, fmt: str | None, d: Disclosure,
            build: Callable[[Disclosure], Report]) -> Response:
    if fmt == "csv" or (fmt is None and wants_csv(request)):
        report = build(replace(d, marker=f"<{d.threshold}"))
        return Response(to_csv(report.rows), media_type=CSV_TYPE, headers={
            "Content-Disposition": f'attachment; filename="{report.name}.csv"'})
    return json_response(build(d))


def _area(name: str, value: str | None, pattern: re.Pattern) -> str | None:
    if value is not None and not pattern.fullmatch(value):
        raise invalid(name, "must be a CBS code (GM#### or, where allowed, WK######)")
    return value


@router.get("/housing-gap", summary="Housing need against supply per area and type",
            responses=BOTH_DOC)
def housing_gap(
    request: Request, runtime: RuntimeDep, live: LiveDep, caller: OptionalCallerDep,
    year: Annotated[int, Query(ge=2024, le=2040, description="the year to show")],
    area: Annotated[str | None, Query(description="a municipality or wijk code",
                                      json_schema_extra={"pattern": _AREA.pattern})] = None,
    level: Annotated[str, Query(pattern="^(municipality|wijk)$")] = "municipality",
    format: Format = None,
) -> Response:
    """Per area and housing type: need, supply now, supply with the programme and the gap,
    for the year asked and 2025, 2030 and 2040 side by side."""
    area = _area("area", area, _AREA)
    d = _disclosure(runtime, caller, area)
    return _answer(request, format, d, lambda dd: live.read_woonzorgvisie(
        lambda m: reports.housing_gap(m, year, level, area, dd)))


@router.get("/stapeling", summary="Pile-up of urgent and care-needing placements per wijk",
            responses=BOTH_DOC)
def stapeling(
    request: Request, runtime: RuntimeDep, live: LiveDep, caller: OptionalCallerDep,
    period: Annotated[str, Query(description="2026, 2026-H1 or 2026-H2",
                                 json_schema_extra={"pattern": PERIOD})],
    municipality: Annotated[str | None, Query(
        description="a CBS code", json_schema_extra={"pattern": _MUNICIPALITY.pattern})] = None,
    format: Format = None,
) -> Response:
    """Per wijk: shares of urgent and care-needing placements against the share of social
    stock, the index, and a flag above the agreement's stapeling threshold."""
    try:
        Period.parse(period)
    except ValueError as exc:
        raise invalid("period", str(exc)) from None
    municipality = _area("municipality", municipality, _MUNICIPALITY)
    d = _disclosure(runtime, caller, municipality)
    return _answer(request, format, d, lambda dd: live.read_woonzorgvisie(
        lambda m: reports.stapeling(m, period, municipality, dd)))


@router.get("/programme-realisation", summary="Building programme: planned against delivered",
            responses=BOTH_DOC)
def programme_realisation(
    request: Request, runtime: RuntimeDep, live: LiveDep, caller: OptionalCallerDep,
    municipality: Annotated[str | None, Query(
        description="a CBS code", json_schema_extra={"pattern": _MUNICIPALITY.pattern})] = None,
    format: Format = None,
) -> Response:
    """Per municipality, year and housing type: new homes planned, and delivered as they
    appeared in the corporations' stock feed."""
    municipality = _area("municipality", municipality, _MUNICIPALITY)
    d = _disclosure(runtime, caller, municipality)
    return _answer(request, format, d, lambda dd: live.read_woonzorgvisie(
        lambda m: reports.programme_realisation(m, municipality, dd)))
