"""Running policies and bounds on one world and writing the reports (JSON and PNG)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from services.allocation.domain import Pacing

from .bound import BoundResult, solve_bound
from .charts import comparison_chart, policy_charts
from .engine import run_policy
from .policies import setup
from .report import TARGET_RATIO, policy_report, policy_settings
from .scenario import Scenario
from .world import World

# name in the report -> paced?
BOUNDS = {"year-end": False, "paced": True}

Progress = Callable[[str, int], Callable[[int], None]]  # (label, total) -> tick(done)


def run(scenario: Scenario, year: int, seed: int, policies: Sequence[str],
        days: int | None = None, with_bounds: bool = True, out: Path | None = None,
        progress: Progress | None = None, bound_time_limit: float = 600.0,
        with_charts: bool = True, pacing: Pacing | None = None) -> dict[str, Any]:
    """One report for one policy; for several, a comparison holding every policy's report."""
    started = time.perf_counter()
    world = World(scenario, year, seed, days)
    results = []
    for name in policies:
        policy_setup = setup(name, world, pacing)
        tick = progress(f"{name}: days", world.days) if progress else None
        results.append((policy_setup, run_policy(world, policy_setup, tick)))
    bounds: dict[str, BoundResult] = {}
    if with_bounds:
        limits = results[0][0].allocation.income_limits
        for name, paced in BOUNDS.items():
            with _stage(progress, f"bound ({name})"):
                bounds[name] = solve_bound(world, limits, bound_time_limit, paced=paced)
    reports = [policy_report(result, bounds, policy_settings(policy_setup))
               for policy_setup, result in results]
    if out is not None:
        for report in reports:
            charts = policy_charts(report, out) if with_charts else []
            report["charts"] = [str(p) for p in charts]
            _write(out / f"{report['policy']}.json", report)
    if len(reports) == 1:
        reports[0]["runtimeSeconds"]["total"] = round(time.perf_counter() - started, 2)
        return reports[0]
    comparison = compare(reports, bounds)
    comparison["runtimeSeconds"] = round(time.perf_counter() - started, 2)
    if out is not None:
        costs = {("bound" if name == "year-end" else f"{name}-bound"): b.waiting_cost
                 for name, b in bounds.items()}
        comparison["charts"] = [str(comparison_chart(reports, costs, out))] if with_charts else []
        _write(out / "comparison.json", comparison)
    return comparison


def compare(reports: Sequence[dict[str, Any]], bounds: dict[str, BoundResult]) -> (
    dict[str, Any]
):
    summary = []
    for report in reports:
        totals = report["totals"]
        summary.append({
            "policy": report["policy"],
            "housed": totals["housed"], "unhoused": totals["unhoused"],
            "realised": totals["realised"], "target": totals["target"],
            "municipalitiesWithinBand": totals["municipalitiesWithinBand"],
            "maxAbsDeviation": totals["maxAbsDeviation"],
            "priorityShare": totals["priorityShare"],
            "meanWaitingDays": totals["meanWaitingDays"],
            "p90WaitingDays": totals["p90WaitingDays"],
            "waitingCost": totals["waitingCost"]["total"],
            **report["ratios"],
            "constraintViolations": report["constraintViolations"]["total"],
        })
    return {
        "scenario": reports[0]["scenario"],
        "agreement": reports[0]["agreement"],
        "definitions": reports[0]["definitions"],
        "summary": summary,
        "bounds": reports[0]["bounds"],
        "targetRatio": TARGET_RATIO,
        "policies": {report["policy"]: report for report in reports},
    }


def _stage(progress: Progress | None, label: str):
    if progress is None:
        return nullcontext()
    tick = progress(label, 1)

    class _Done:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            tick(1)
            return False

    return _Done()


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
