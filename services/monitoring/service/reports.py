"""Read-model reports as documents for the API: JSON documents and flat CSV rows.

Every report is a pure function of the model, the filter and the disclosure. With
`Disclosure.exact` false (the public view) the domain's disclosure control blanks every
count cell under the threshold, and the values derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from services.monitoring.domain import (
    ALL,
    REALISATION_COUNTS,
    REALISATION_DEPENDENTS,
    WAITING_TIME_COUNTS,
    WAITING_TIME_DEPENDENTS,
    FlowKind,
    MonitoringModel,
    UnknownScope,
    by_name,
    decision_times,
    suppress_rows,
)
from shared.contracts.periods import AMSTERDAM, Period
from shared.contracts.vocabulary import PROVINCE_SCOPE, is_cbs_code


def _camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(part.title() for part in rest)


FLOW_COUNTS = tuple(_camel(kind.value) for kind in FlowKind)
FUNNEL_COUNTS = ("proposed", "accepted", "declined", "declinedByCorporation",
                 "declinedByCandidate", "expired", "placed", "open")
BY_NAME_COUNTS = by_name.COLUMNS
STOCK_COUNTS = ("lettings", "urgentLettings", "regularLettings")  # lettings are households
SERIES_DEPENDENTS = {"lettingsSeen": ("expectedToDate",)}
# the tolerance is derived from expected-to-date, so it goes with it
REAL_DEPENDENTS = {field: (*names, "tolerance") if "expectedToDate" in names else names
                   for field, names in REALISATION_DEPENDENTS.items()}
ALERT_DEPENDENTS = {"realised": ("status", "previousStatus", "change")}


@dataclass(frozen=True)
class ReportFilter:
    period: str
    scope: str = PROVINCE_SCOPE
    target_group: str | None = None

    def echo(self) -> dict[str, Any]:
        return {"period": self.period, "scope": self.scope,
                "targetGroup": self.target_group or ALL}


@dataclass(frozen=True)
class Disclosure:
    """Exact numbers, or the public view: counts under `threshold` become `marker`
    (None in JSON, e.g. "<5" in CSV)."""

    exact: bool
    threshold: int = 5
    marker: Any = None

    def rows(self, rows: list[dict], counts=None, dependents=None) -> list[dict]:
        if self.exact:
            return [dict(r) for r in rows]
        return suppress_rows(rows, counts, threshold=self.threshold, marker=self.marker,
                             dependents=dependents)

    def describe(self) -> dict[str, Any]:
        return {"disclosure": "exact" if self.exact else "suppressed",
                "suppressionThreshold": None if self.exact else self.threshold}


@dataclass(frozen=True)
class Report:
    """`document` is the JSON answer; `rows` (flat dicts) the CSV export."""

    name: str
    document: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)


# --- scopes -------------------------------------------------------------------------------


def known_municipalities(model: MonitoringModel) -> set[str]:
    codes = set(model.municipalities)
    for versions in model.agreements.values():
        for agreement in versions.values():
            codes.update(agreement.municipalities)
            codes.update(t.municipality for t in agreement.targets)
    codes.update(d.municipality for d in model.dwellings.values())
    codes.update(v.municipality for v in model.vacancies.values())
    codes.update(p.municipality for p in model.proposals.values())
    codes.update(w.municipality for w in model.waits.values())
    codes.update(c.municipality for c in model.candidates.values())  # the by-name list's
    codes.update(model.decisions.municipalities())  # applications not yet decided
    return codes


def check_scope(model: MonitoringModel, scope: str) -> None:
    """Raise UnknownScope unless `scope` is the province, a region or agreement scope the
    topics have named, or a CBS code of a municipality they have named."""
    if scope == PROVINCE_SCOPE:
        return
    if is_cbs_code(scope):
        if scope not in known_municipalities(model):
            raise UnknownScope(scope)
        return
    model.scope_municipalities(scope)


def filter_options(model: MonitoringModel, default_period: str) -> dict[str, Any]:
    periods = sorted({period for _, period in model.agreements} | {default_period},
                     reverse=True)
    regions = sorted({m.region for m in model.municipalities.values()}
                     | {scope for scope, _ in model.agreements if scope != PROVINCE_SCOPE})
    municipalities = [{"code": code, "name": model.name_of(code)}
                      for code in sorted(known_municipalities(model))]
    return {"defaultPeriod": default_period, "periods": periods, "regions": regions,
            "municipalities": municipalities}


# --- reports ------------------------------------------------------------------------------


def realisation(model: MonitoringModel, f: ReportFilter, d: Disclosure, policy) -> Report:
    report = model.realisation(f.period, f.scope, policy=policy).to_dict()
    groups = report["byTargetGroup"]
    if f.target_group:
        groups = [g for g in groups if g["targetGroup"] == f.target_group]

    def hide(rows):
        return d.rows(rows, REALISATION_COUNTS, REAL_DEPENDENTS)

    document = {**f.echo(), "asOf": report["asOf"], **d.describe(),
                "municipalities": hide(report["municipalities"]),
                "regions": hide(report["regions"]), "total": hide([report["total"]])[0],
                "byTargetGroup": hide(groups)}
    rows = [*document["municipalities"], *document["regions"], document["total"],
            *document["byTargetGroup"]]
    return Report("realisation", document, rows)


def realisation_series(model: MonitoringModel, f: ReportFilter, d: Disclosure, policy
                       ) -> Report:
    points = [p.to_dict() for p in model.realisation_series(f.period, f.scope, policy=policy)]
    rows = d.rows(points, REALISATION_COUNTS, SERIES_DEPENDENTS)
    return Report("realisation-series", {**f.echo(), **d.describe(), "points": rows}, rows)


def flows(model: MonitoringModel, f: ReportFilter, d: Disclosure) -> Report:
    rows = [r.to_dict() for r in model.flow_rows(f.period, f.scope, f.target_group)]
    rows = d.rows(rows, FLOW_COUNTS)
    return Report("flows", {**f.echo(), **d.describe(), "months": rows}, rows)


def waiting_times(model: MonitoringModel, f: ReportFilter, d: Disclosure) -> Report:
    rows = [r.to_dict() for r in model.waiting_times(f.period, f.scope, f.target_group)]
    rows = d.rows(rows, WAITING_TIME_COUNTS, WAITING_TIME_DEPENDENTS)
    for row in rows:
        row["name"] = model.name_of(row["municipality"])
    return Report("waiting-times", {**f.echo(), **d.describe(), "rows": rows}, rows)


def proposal_funnel(model: MonitoringModel, f: ReportFilter, d: Disclosure) -> Report:
    rows = [r.to_dict() for r in model.proposal_funnel(f.period, f.scope, f.target_group,
                                                       by_municipality=True)]
    visible = d.rows(rows, FUNNEL_COUNTS)
    for row in visible:
        row["declineReasons"] = d.rows(row["declineReasons"], ("count",))
        row["name"] = model.name_of(row["municipality"])
    flat = [{**{k: v for k, v in row.items() if k != "declineReasons"},
             "declineReasons": "; ".join(
                 f"{r['decidedBy']}: {r['label']} ({_cell(r['count'], d)})"
                 for r in row["declineReasons"])} for row in visible]
    return Report("proposal-funnel", {**f.echo(), **d.describe(), "rows": visible}, flat)


def origin_destination(model: MonitoringModel, f: ReportFilter, d: Disclosure) -> Report:
    rows = d.rows(model.origin_destination(f.period, f.scope, f.target_group), ("placements",))
    for row in rows:
        row["originName"] = model.name_of(row["origin"])
        row["destinationName"] = model.name_of(row["destination"])
    return Report("origin-destination", {**f.echo(), **d.describe(), "rows": rows}, rows)


def active_households(model: MonitoringModel, months: list[str], municipality: str | None,
                      d: Disclosure) -> Report:
    rows = d.rows(model.by_name_figures(months, municipality), BY_NAME_COUNTS)
    for row in rows:
        row["name"] = model.name_of(row["municipality"])
    document = {"municipality": municipality or ALL, "from": months[0], "to": months[-1],
                **d.describe(), "rows": rows}
    return Report("active-households", document, rows)


def decision_times_report(model: MonitoringModel, f: ReportFilter, d: Disclosure) -> Report:
    rows = d.rows(model.decision_times(f.period, f.scope), decision_times.COUNTS,
                  decision_times.DEPENDENTS)
    for row in rows:
        row["name"] = model.name_of(row["municipality"])
    return Report("decision-times", {**f.echo(), **d.describe(), "rows": rows}, rows)


def stock(model: MonitoringModel, f: ReportFilter, d: Disclosure) -> Report:
    rows = d.rows([r.to_dict() for r in model.stock(f.scope, f.period)], STOCK_COUNTS)
    flat = [{**{k: v for k, v in row.items() if k != "byAccessibility"},
             **{f"accessibility.{k}": v for k, v in row["byAccessibility"].items()}}
            for row in rows]
    return Report("stock", {**f.echo(), **d.describe(), "rows": rows}, flat)


def _cell(value: Any, d: Disclosure) -> str:
    return f"<{d.threshold}" if value is None or value == d.marker else str(value)


# --- alerts -------------------------------------------------------------------------------


def period_window(label: str) -> tuple[datetime, datetime]:
    """The period as [start, end) in UTC, from Europe/Amsterdam midnights."""
    period = Period.parse(label)
    start = datetime.combine(period.start, time(), AMSTERDAM)
    end = datetime.combine(period.end + timedelta(days=1), time(), AMSTERDAM)
    return start, end


def alert_lines(model: MonitoringModel, alert_rows: list[dict], f: ReportFilter, d: Disclosure
                ) -> Report:
    lines = []
    for row in alert_rows:
        data = row["data"]
        lines.append({
            "id": row["id"], "kind": row["kind"], "emittedAt": row["emitted_at"].isoformat(),
            "scope": row["scope"], "period": row["period"], "municipality": row["municipality"],
            "name": model.name_of(row["municipality"]),
            "change": data.get("kind"), "previousStatus": data.get("previousStatus"),
            "status": data.get("status"), "realised": data.get("realised"),
            "expectedToDate": data.get("expectedToDate"), "target": data.get("target"),
            "proposalId": data.get("proposalId"), "vacancyId": data.get("vacancyId"),
            "proposedOn": data.get("proposedOn"), "openDays": data.get("openDays"),
            "acceptedOn": data.get("acceptedOn"), "acceptedDays": data.get("acceptedDays"),
        })
    lines = d.rows(lines, ("realised",), ALERT_DEPENDENTS)
    return Report("alerts", {**f.echo(), **d.describe(), "alerts": lines}, lines)
