"""The monitoring reports: JSON by default, CSV with `Accept: text/csv` or a `.csv` path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.monitoring.api.deps import (
    TARGET_GROUPS,
    DisclosureDep,
    FilterDep,
    LiveDep,
    RuntimeDep,
)
from services.monitoring.api.exports import csv_response, json_response, wants_csv
from services.monitoring.service import reports
from services.monitoring.service.live import LiveModel
from services.monitoring.service.reports import Disclosure, Report, ReportFilter

router = APIRouter(tags=["monitoring"])

Builder = Callable[[LiveModel, ReportFilter, Disclosure], Report]
CSV_DOC = {200: {"content": {"text/csv": {}}, "description": "the report as CSV"}}
BOTH_DOC = {200: {"content": {"application/json": {}, "text/csv": {}},
                  "description": "the report (JSON, or CSV on Accept: text/csv)"}}


def _answer(build: Builder, live: LiveModel, f: ReportFilter, d: Disclosure, as_csv: bool
            ) -> Response:
    if as_csv:
        d = replace(d, marker=f"<{d.threshold}")
        return csv_response(build(live, f, d), f)
    return json_response(build(live, f, d))


def _report(path: str, build: Builder, summary: str, description: str) -> None:
    def negotiated(request: Request, live: LiveDep, f: FilterDep, d: DisclosureDep) -> Response:
        return _answer(build, live, f, d, wants_csv(request))

    def as_csv(live: LiveDep, f: FilterDep, d: DisclosureDep) -> Response:
        return _answer(build, live, f, d, True)

    name = path.strip("/").replace("-", "_")
    router.add_api_route(path, negotiated, methods=["GET"], summary=summary,
                         description=description, responses=BOTH_DOC, name=name)
    router.add_api_route(f"{path}.csv", as_csv, methods=["GET"], summary=f"{summary} (CSV)",
                         description=description, responses=CSV_DOC, name=f"{name}_csv")


def _read(query: Callable) -> Builder:
    """A builder that runs `query(model, f, d)` under the model's lock."""
    return lambda live, f, d: live.read(lambda model: query(model, f, d))


_report("/realisation",
        lambda live, f, d: live.read(lambda m: reports.realisation(m, f, d, live.policy)),
        "Realisation against target per municipality",
        "One row per municipality: target (with carry-over), realised, expectedToDate, lag "
        "and status band; per region, the scope total and per target group.")
_report("/realisation-series",
        lambda live, f, d: live.read(lambda m: reports.realisation_series(m, f, d,
                                                                          live.policy)),
        "Cumulative realisation of the scope against the expected line",
        "One point per month end of the period, up to the latest date seen.")
_report("/flows", _read(reports.flows), "Inflow and outflow of urgent candidates per month",
        "Newly registered, urgency granted or refused, housed, withdrawn, expired, returned.")
_report("/waiting-times", _read(reports.waiting_times),
        "Waiting time from urgency to move-in",
        "Median, p90 and mean days per destination municipality and target group.")
_report("/proposal-funnel", _read(reports.proposal_funnel),
        "Proposals per step, with decline reasons",
        "Proposed, accepted, declined by corporation or candidate (with reasons), expired, "
        "placed and open, counted in the period of the proposal.")
_report("/origin-destination", _read(reports.origin_destination),
        "Where people move: placements by municipality of registration and of the dwelling",
        "One row per origin (municipality of registration) and destination (municipality of "
        "the dwelling) with the placements moved in during the period; a pair is in a scope "
        "when either end lies in it.")
_report("/stock", _read(reports.stock), "Stock and vacancies per municipality",
        "Dwellings by accessibility class, open vacancies, and vacancies and lettings in the "
        "period. The target group filter does not apply.")
_report("/decision-times", _read(reports.decision_times_report),
        "Days from urgency application to the municipality's decision",
        "Per deciding municipality: decisions in the period that answered an application, "
        "median and p90 days from application to decision, granted and refused; and per "
        "municipality of application the applications still waiting on the period's end "
        "(or the latest date seen) with the oldest waiting days. The target group filter "
        "does not apply.")


def _alerts(runtime, live: LiveModel, f: ReportFilter, d: Disclosure, limit: int) -> Report:
    codes = live.read(lambda m: m.scope_municipalities(f.scope))
    with runtime.uow() as uow:
        rows = uow.alerts.recent(limit, municipalities=codes, period=f.period,
                                 window=reports.period_window(f.period))
    return live.read(lambda m: reports.alert_lines(m, rows, f, d))


Limit = Annotated[int, Query(ge=1, le=500, description="at most this many, newest first")]


@router.get("/alerts", summary="Recent alerts", responses=BOTH_DOC)
def alerts(request: Request, runtime: RuntimeDep, live: LiveDep, f: FilterDep,
           d: DisclosureDep, limit: Limit = 50) -> Response:
    """Band changes of the period and proposals that stalled, newest first."""
    return _answer(lambda _l, _f, dd: _alerts(runtime, live, f, dd, limit), live, f, d,
                   wants_csv(request))


@router.get("/alerts.csv", summary="Recent alerts (CSV)", responses=CSV_DOC)
def alerts_csv(runtime: RuntimeDep, live: LiveDep, f: FilterDep, d: DisclosureDep,
               limit: Limit = 50) -> Response:
    """Band changes of the period and proposals that stalled, newest first."""
    return _answer(lambda _l, _f, dd: _alerts(runtime, live, f, dd, limit), live, f, d, True)


@router.get("/filter-options", summary="Values for the dashboard's filters")
def filter_options(runtime: RuntimeDep, live: LiveDep) -> dict:
    """Periods with an agreement, regions and municipalities seen on the topics."""
    default = str(runtime.today().year)
    options = live.read(lambda m: reports.filter_options(m, default))
    return {**options, "targetGroups": TARGET_GROUPS,
            "replayComplete": live.replayed.is_set()}
