"""By-name list figures per municipality and month: JSON, or CSV like the other reports."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.monitoring.api.deps import LiveDep, RuntimeDep, disclosure_for
from services.monitoring.api.exports import csv_response, json_response, wants_csv
from services.monitoring.domain import UnknownScope
from services.monitoring.service import reports
from services.monitoring.service.reports import ReportFilter, check_scope
from shared.auth import OptionalCallerDep
from shared.contracts.openapi import CBS_CODE, enforced
from shared.contracts.vocabulary import PROVINCE_SCOPE, is_cbs_code
from shared.problems import Problem, invalid

router = APIRouter(tags=["monitoring"])
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_MONTHS = 120
DOC = {200: {"content": {"application/json": {}, "text/csv": {}},
             "description": "the figures (JSON, or CSV on Accept: text/csv)"},
       404: {"description": "a municipality monitoring does not know"}}
Municipality = Annotated[str | None, Query(description="a CBS code",
                                           json_schema_extra={"pattern": CBS_CODE})]
WINDOW = enforced(f"not before `from`, at most {MAX_MONTHS} months from it (default: "
                  f"this year)")

def months_between(first: str, last: str) -> list[str]:
    (y1, m1), (y2, m2) = (map(int, MONTH.fullmatch(v).groups()) for v in (first, last))
    count = (y2 - y1) * 12 + (m2 - m1) + 1
    if count < 1:
        raise invalid("to", "must not lie before `from`")
    if count > MAX_MONTHS:
        raise invalid("to", f"at most {MAX_MONTHS} months at a time")
    return [f"{y1 + (m1 - 1 + i) // 12:04d}-{(m1 - 1 + i) % 12 + 1:02d}" for i in range(count)]

def _answer(request: Request, runtime, live, caller, municipality: str | None,
            first: str | None, last: str | None, as_csv: bool) -> Response:
    if municipality is not None and not is_cbs_code(municipality):
        raise invalid("municipality", "a CBS code: GM and 4 digits")
    year = runtime.today().year
    months = months_between(first or f"{year}-01", last or f"{year}-12")
    scope = municipality or PROVINCE_SCOPE
    try:
        live.read(lambda model: check_scope(model, scope))
    except UnknownScope as exc:
        raise Problem(404, detail=str(exc), invalid_params=[
            {"name": "municipality", "code": "unknown", "reason": str(exc)}]) from None
    d = disclosure_for(runtime, caller, scope)
    if as_csv:
        d = replace(d, marker=f"<{d.threshold}")
    report = live.read(lambda model: reports.active_households(model, months, municipality, d))
    if as_csv:
        return csv_response(report, ReportFilter(f"{months[0]}_{months[-1]}", scope))
    return json_response(report)

SUMMARY = "By-name list figures per municipality and month"
DESCRIPTION = (
    "Urgent households active at month end, newly granted, returned after a failed tenancy "
    "(granted again after a placement), housed, lapsed or expired, withdrawn, revoked and "
    "refused, in the municipality of the urgency; as Built for Zero counts a by-name list. "
    "Without `municipality`: every municipality and a total per month. Public figures under "
    "5 are suppressed; a municipality sees its own exactly, province and admin all.")

@router.get("/active-households", summary=SUMMARY, description=DESCRIPTION, responses=DOC)
def active_households(request: Request, runtime: RuntimeDep, live: LiveDep,
                      caller: OptionalCallerDep, municipality: Municipality = None,
                      first: Annotated[str | None, Query(alias="from", pattern=MONTH.pattern,
                                                         description="YYYY-MM")] = None,
                      last: Annotated[str | None, Query(alias="to", pattern=MONTH.pattern,
                                                        description="YYYY-MM",
                                                        json_schema_extra=WINDOW)] = None
                      ) -> Response:
    return _answer(request, runtime, live, caller, municipality, first, last,
                   wants_csv(request))

@router.get("/active-households.csv", summary=f"{SUMMARY} (CSV)", description=DESCRIPTION,
            responses={200: {"content": {"text/csv": {}}, "description": "CSV"}})
def active_households_csv(request: Request, runtime: RuntimeDep, live: LiveDep,
                          caller: OptionalCallerDep, municipality: Municipality = None,
                          first: Annotated[str | None, Query(
                              alias="from", pattern=MONTH.pattern)] = None,
                          last: Annotated[str | None, Query(
                              alias="to", pattern=MONTH.pattern)] = None) -> Response:
    return _answer(request, runtime, live, caller, municipality, first, last, True)
