"""Dependencies of monitoring's routes: the live read model, the report filter, and how
much a caller may see (exact numbers, or the public view with small cells suppressed).

Who sees exact numbers:
- role province or admin: everywhere;
- role municipality: its own municipality (scope = its CBS code) in detail; the province or
  a region as the public sees them; another municipality's detail is refused with 403 (a
  municipality asking for detail means its own; the public figures of any municipality are
  there without a token);
- any other role, and no token at all: the public view. A token that is sent must be valid
  (401 otherwise), even where the public view needs none.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Query, Request

from services.monitoring.bootstrap import MonitoringRuntime
from services.monitoring.domain import UNKNOWN_GROUP, UnknownScope
from services.monitoring.service.live import LiveModel
from services.monitoring.service.reports import Disclosure, ReportFilter, check_scope
from shared.auth import OptionalCallerDep
from shared.contracts.openapi import PERIOD, raises
from shared.contracts.periods import Period
from shared.contracts.vocabulary import PROVINCE_SCOPE, Role, TargetGroup, is_cbs_code
from shared.problems import Problem, invalid

SCOPE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}$")
TARGET_GROUPS = [g.value for g in TargetGroup] + [UNKNOWN_GROUP]
EXACT_ROLES = (Role.PROVINCE, Role.ADMIN)


def runtime_of(request: Request) -> MonitoringRuntime:
    return request.app.state.runtime


def live_of(request: Request) -> LiveModel:
    return runtime_of(request).live


RuntimeDep = Annotated[MonitoringRuntime, Depends(runtime_of)]
LiveDep = Annotated[LiveModel, Depends(live_of)]


@raises(404)  # an unknown scope
def report_filter(
    runtime: RuntimeDep,
    period: Annotated[str | None, Query(
        description="2026, 2026-H1 or 2026-H2; default: the current year",
        json_schema_extra={"pattern": PERIOD})] = None,
    scope: Annotated[str, Query(
        description="`province`, a region (or agreement scope) id, or a CBS code",
        json_schema_extra={"pattern": SCOPE_PATTERN.pattern})
    ] = PROVINCE_SCOPE,
    target_group: Annotated[str | None, Query(
        alias="targetGroup", description="a target group, or `all` (default)",
        json_schema_extra={"enum": ["all", *TARGET_GROUPS]})] = None,
) -> ReportFilter:
    period = period or str(runtime.today().year)
    try:
        Period.parse(period)
    except ValueError as exc:
        raise invalid("period", str(exc)) from None
    if not SCOPE_PATTERN.fullmatch(scope):
        raise invalid("scope", "use 'province', a region id or a CBS code (GM + 4 digits)")
    if target_group in (None, "", "all"):
        target_group = None
    elif target_group not in TARGET_GROUPS:
        raise invalid("targetGroup", f"must be 'all' or one of {', '.join(TARGET_GROUPS)}")
    try:
        runtime.live.read(lambda model: check_scope(model, scope))
    except UnknownScope as exc:
        raise Problem(404, detail=str(exc), invalid_params=[
            {"name": "scope", "code": "unknown", "reason": str(exc)}]) from None
    return ReportFilter(period=period, scope=scope, target_group=target_group)


FilterDep = Annotated[ReportFilter, Depends(report_filter)]


def disclosure(runtime: RuntimeDep, caller: OptionalCallerDep, f: FilterDep) -> Disclosure:
    return disclosure_for(runtime, caller, f.scope)


def disclosure_for(runtime: MonitoringRuntime, caller, scope: str) -> Disclosure:
    threshold = runtime.settings.suppression_threshold
    if caller is None:
        return Disclosure(exact=False, threshold=threshold)
    if caller.role in EXACT_ROLES:
        return Disclosure(exact=True, threshold=threshold)
    if caller.role == Role.MUNICIPALITY:
        if scope == caller.org:
            return Disclosure(exact=True, threshold=threshold)
        if is_cbs_code(scope):
            raise Problem(403, detail=(
                f"Municipality {caller.org} sees its own municipality in detail, not "
                f"{scope}; the public figures of {scope} are available without a token."))
    return Disclosure(exact=False, threshold=threshold)


DisclosureDep = Annotated[Disclosure, Depends(disclosure)]
