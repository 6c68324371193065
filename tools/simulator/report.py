"""The simulation report: plain JSON-ready dicts, with every measure defined in the report.

Measures (also written into the report under `definitions`):
- realised[m]: urgent placements into the horizon's vacancies of municipality m (the year's
  cohort of vacancies; a December vacancy whose keys are handed over in January counts for
  the year it was let in), against target[m] (the agreement's target, pro rata for a shorter
  horizon).
- deviation[m] = (realised - target) / target; within band when realised lies in
  [floor(0.98 * target), ceil(1.02 * target)] (the tolerance is the scenario's).
- paceTarget[m] = target * min(1, lettings / expected lettings): what the agreement's pace asks
  at the end of the horizon given the lettings that really happened (expected-to-date).
- waiting days: from urgency granted to move-in, for housed candidates (mean, p90 by
  Hyndman-Fan type 7, the monitoring service's percentile).
- waiting cost (the measure of the hindsight bound): for every candidate of the horizon
  (those waiting on day one included), move-in minus start if housed, horizon end plus the
  unhoused penalty minus start if not; start = max(urgency granted, first day of the year).
- priority share[m]: realised / lettings of m.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from services.monitoring.domain.stats import percentile

from .bound import BoundResult, band, unhoused_cost, waiting_start
from .engine import EngineResult
from .world import World

TARGET_RATIO = 1.05

DEFINITIONS = {
    "realised": "urgent placements into the horizon's vacancies of the municipality",
    "target": "the agreement's target (pro rata for a horizon shorter than the year)",
    "deviation": "(realised - target) / target",
    "band": "[floor((1 - tol) * target), ceil((1 + tol) * target)]",
    "paceTarget": "target * min(1, lettings / expected lettings): the agreement's pace at the "
                  "end of the horizon, given the lettings that happened",
    "waitingDays": "move-in minus urgency granted, for housed candidates",
    "waitingCost": "sum over all candidates of the horizon: move-in - start if housed, "
                   "horizon end + penalty - start if not; start = max(granted, 1 January)",
    "ratio": "waiting cost of the policy / waiting cost of the hindsight bound",
    "priorityShare": "realised / lettings",
    "constraintViolations": "proposals and placements failing rules.eligibility when checked "
                            "independently, cap breaches, double placements, broken Allocator "
                            "invariants; all must be 0",
}


def policy_report(result: EngineResult, bounds: Mapping[str, BoundResult] | None = None,
                  settings: Mapping[str, Any] | None = None) -> dict[str, Any]:
    world = result.world
    tolerance = world.scenario.evaluation.band_tolerance
    targets = world.targets()
    expected = world.expected_lettings()
    lettings = Counter(f.vacancy.municipality for f in world.vacancies)
    realised = Counter(p.municipality for p in result.placements)
    waits_by_destination = defaultdict(list)
    for p in result.placements:
        waits_by_destination[p.municipality].append((p.move_in - p.granted_on).days)
    housed = {p.candidate_id for p in result.placements}
    unhoused = [a.candidate for a in world.arrivals if a.candidate.id not in housed]
    origin = Counter(a.candidate.registration_municipality for a in world.arrivals)
    unhoused_origin = Counter(c.registration_municipality for c in unhoused)
    rows = []
    for code in world.codes:
        target = targets[code]
        low, high = band(target, tolerance)
        waits = waits_by_destination[code]
        pace = target * min(1.0, lettings[code] / expected[code]) if expected[code] else target
        rows.append({
            "municipality": code,
            "name": world.refs[code].name,
            "target": round(target, 3),
            "band": [low, high],
            "realised": realised[code],
            "deviation": _ratio(realised[code] - target, target),
            "withinBand": low <= realised[code] <= high,
            "paceTarget": round(pace, 2),
            "expectedLettings": round(expected[code] * world.horizon_fraction, 1),
            "lettings": lettings[code],
            "priorityShare": _ratio(realised[code], lettings[code]),
            "meanWaitingDays": _mean(waits),
            "p90WaitingDays": _round(percentile(waits, 90)),
            "candidatesFromHere": origin[code],
            "unhousedFromHere": unhoused_origin[code],
        })
    cost = waiting_cost(world, result)
    all_waits = [(p.move_in - p.granted_on).days for p in result.placements]
    total_target = sum(targets.values())
    within = sum(1 for r in rows if r["withinBand"])
    report = {
        "policy": result.policy,
        "policySettings": dict(settings or {}),
        "scenario": scenario_summary(world),
        "agreement": agreement_summary(world),
        "definitions": DEFINITIONS,
        "totals": {
            "vacancies": len(world.vacancies),
            "candidates": len(world.arrivals),
            "waitingOnDayOne": sum(1 for a in world.arrivals if a.granted_on < world.start),
            "housed": len(result.placements),
            "unhoused": len(unhoused),
            "target": round(total_target, 3),
            "realised": len(result.placements),
            "deviation": _ratio(len(result.placements) - total_target, total_target),
            "priorityShare": _ratio(len(result.placements), len(world.vacancies)),
            "meanWaitingDays": _mean(all_waits),
            "p90WaitingDays": _round(percentile(all_waits, 90)),
            "waitingCost": cost,
            "municipalitiesWithinBand": within,
            "municipalities": len(rows),
            "maxAbsDeviation": max((abs(r["deviation"]) for r in rows
                                    if r["deviation"] is not None), default=None),
        },
        "municipalities": rows,
        "byTargetGroup": _groups(world, result),
        "unhoused": {
            "total": len(unhoused),
            "byTargetGroup": dict(sorted(Counter(c.target_group.value
                                                 for c in unhoused).items())),
            "byOrigin": dict(sorted(unhoused_origin.items())),
        },
        "proposals": _proposals(result),
        "constraintViolations": result.violations,
        "runtimeSeconds": {"simulation": round(result.seconds, 2)},
    }
    report["bounds"] = {name: bound_summary(b) for name, b in (bounds or {}).items()}
    report["ratios"] = {f"waitingCostTo{_title(name)}Bound": _ratio(cost["total"],
                                                                     b.waiting_cost)
                        for name, b in (bounds or {}).items()}
    report["targets"] = _targets(report, bounds)
    return report


def waiting_cost(world: World, result: EngineResult) -> dict[str, float]:
    placed = {p.candidate_id: p for p in result.placements}
    housed_days = unhoused_days = penalty = 0.0
    for arrival in world.arrivals:
        placement = placed.get(arrival.candidate.id)
        if placement is not None:
            housed_days += (placement.move_in - waiting_start(world, arrival.granted_on)).days
        else:
            unhoused_days += unhoused_cost(world, arrival.granted_on)
            penalty += world.scenario.evaluation.unhoused_penalty_days
    return {"total": housed_days + unhoused_days, "housedDays": housed_days,
            "unhousedDays": unhoused_days - penalty, "penaltyDays": penalty,
            "penaltyPerUnhoused": world.scenario.evaluation.unhoused_penalty_days}


def bound_summary(bound: BoundResult) -> dict[str, Any]:
    realised = Counter(p.municipality for p in bound.assignment)
    return {
        "status": bound.status,
        "waitingCost": bound.waiting_cost,
        "lpBound": bound.lp_bound,
        "housed": len(bound.assignment),
        "realised": dict(sorted(realised.items())),
        "bands": {code: list(b) for code, b in bound.bands.items()},
        "capLimits": bound.cap_limits,
        "shortfall": bound.shortfall,
        "pairs": {"examined": bound.pairs_examined, "allowed": bound.pairs_allowed,
                  "reduced": bound.pairs_reduced, "columns": bound.columns,
                  "pricingRounds": bound.pricing_rounds},
        "seconds": {k: round(v, 2) for k, v in bound.seconds.items()},
        "constraintViolations": bound.violations,
        "notes": bound.notes,
    }


def scenario_summary(world: World) -> dict[str, Any]:
    s = world.scenario
    return {"name": s.name, "description": s.description, "year": world.year,
            "seed": world.seed, "start": world.start.isoformat(),
            "end": (world.end - timedelta(days=1)).isoformat(),
            "horizonDays": world.days, "assumptions": list(s.assumptions)}


def agreement_summary(world: World) -> dict[str, Any]:
    s, fair = world.scenario, world.fair_share
    return {"urgentShare": s.urgent_share, "capShare": s.cap_share,
            "keyWeights": dict(s.key_weights), "expectedLettings": fair.expected_lettings,
            "scopeTotal": fair.scope_total,
            "bandTolerance": s.evaluation.band_tolerance,
            "categories": [rule.category.value for rule in s.categories]}


def policy_settings(setup) -> dict[str, Any]:
    allocation = setup.allocation
    return {"weights": asdict(allocation.weights),
            "proposalExpiryDays": allocation.proposal_expiry_days,
            "parkDaysByReason": dict(allocation.park_days_by_reason),
            "availabilitySlackDays": allocation.availability_slack_days,
            "pacing": allocation.pacing.value,
            "bandTolerance": allocation.band_tolerance,
            "decisionLeadDays": allocation.decision_lead_days,
            "batchAnnouncements": setup.batch,
            "quotaSlots": None if setup.quota_slots is None else len(setup.quota_slots)}


def _groups(world: World, result: EngineResult) -> list[dict[str, Any]]:
    waits = defaultdict(list)
    for p in result.placements:
        waits[p.target_group].append((p.move_in - p.granted_on).days)
    candidates = Counter(a.candidate.target_group.value for a in world.arrivals)
    return [{"targetGroup": group, "candidates": n, "housed": len(waits[group]),
             "meanWaitingDays": _mean(waits[group]),
             "p90WaitingDays": _round(percentile(waits[group], 90))}
            for group, n in sorted(candidates.items())]


def _proposals(result: EngineResult) -> dict[str, Any]:
    counters = result.counters
    declines = {key.split(":", 1)[1]: n for key, n in sorted(counters.items())
                if key.startswith("declined:")}
    return {"made": counters["proposals"], "accepted": counters["accepted"],
            "declined": declines, "expired": counters["expired"],
            "released": counters["released"],
            "stalledLetToRegular": counters["stalled-let-to-regular"],
            "liveAtEnd": counters["live-at-end"],
            # the urgency life cycle: open proposals withdrawn, urgencies lapsed (by reason)
            "withdrawn": _by_reason(counters, "withdrawn:"),
            "lapsed": _by_reason(counters, "lapsed:")}


def _by_reason(counters, prefix: str) -> dict[str, int]:
    return {key[len(prefix):]: n for key, n in sorted(counters.items())
            if key.startswith(prefix)}


def _targets(report: dict[str, Any], bounds) -> dict[str, Any]:
    totals = report["totals"]
    ratio = report["ratios"].get("waitingCostToYearEndBound")
    return {
        "waitingWithin": TARGET_RATIO,
        "waitingMet": None if ratio is None else ratio <= TARGET_RATIO,
        "everyMunicipalityWithinBand": totals["municipalitiesWithinBand"]
        == totals["municipalities"],
        "noConstraintViolations": report["constraintViolations"]["total"] == 0,
    }


def _title(name: str) -> str:
    return "".join(part.title() for part in name.split("-"))


def _ratio(a: float, b: float) -> float | None:
    return None if not b else round(a / b, 4)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
