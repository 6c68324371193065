"""PNG charts of a simulation report (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"adaptive": "#1f6f8b", "static-quota": "#e49b0f", "fifo": "#9c3d54",
           "bound": "#4d4d4d", "paced-bound": "#8c8c8c"}


def policy_charts(report: Mapping[str, Any], out: Path) -> list[Path]:
    """Target vs realised, deviation, waiting days: one PNG each, written into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    policy = report["policy"]
    rows = report["municipalities"]
    names = [r["name"] for r in rows]
    return [
        _realisation(policy, rows, names, out / f"{policy}-realisation.png"),
        _deviation(policy, rows, names, report["agreement"]["bandTolerance"],
                   out / f"{policy}-deviation.png"),
        _waiting(policy, rows, names, out / f"{policy}-waiting.png"),
    ]


def comparison_chart(reports: Sequence[Mapping[str, Any]], bound_costs: Mapping[str, float],
                     out: Path) -> Path:
    """Deviation per municipality for each policy, and each policy's waiting cost ratio."""
    out.mkdir(parents=True, exist_ok=True)
    figure, (left, right) = plt.subplots(1, 2, figsize=(14, 5.5),
                                         gridspec_kw={"width_ratios": [3, 1]})
    names = [r["name"] for r in reports[0]["municipalities"]]
    width = 0.8 / max(1, len(reports))
    for i, report in enumerate(reports):
        values = [100 * (r["deviation"] or 0) for r in report["municipalities"]]
        positions = [x + (i - (len(reports) - 1) / 2) * width for x in range(len(names))]
        left.bar(positions, values, width, label=report["policy"],
                 color=COLOURS.get(report["policy"]))
    tolerance = 100 * reports[0]["agreement"]["bandTolerance"]
    left.axhspan(-tolerance, tolerance, color="#2ca02c", alpha=0.15,
                 label=f"+-{tolerance:g}% band")
    left.axhline(0, color="black", linewidth=0.8)
    left.set_xticks(range(len(names)), names, rotation=40, ha="right")
    left.set_ylabel("realised vs target (%)")
    left.set_title("Deviation from fair share at the end of the horizon")
    left.legend(fontsize=8)
    labels, ratios = [], []
    for report in reports:
        labels.append(report["policy"])
        ratios.append(report["totals"]["waitingCost"]["total"])
    for name, cost in bound_costs.items():
        labels.append(name)
        ratios.append(cost)
    reference = bound_costs.get("bound") or (ratios[0] if ratios else 1.0)
    ratios = [r / reference for r in ratios]
    right.bar(labels, ratios, color=[COLOURS.get(label, "#777777") for label in labels])
    right.axhline(1.05, color="#2ca02c", linestyle="--", linewidth=1, label="1.05 x bound")
    right.set_ylabel("waiting cost / hindsight bound")
    right.set_title("Waiting (lower is better)")
    right.tick_params(axis="x", rotation=40)
    right.legend(fontsize=8)
    figure.tight_layout()
    path = out / "comparison.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _realisation(policy: str, rows, names, path: Path) -> Path:
    figure, axes = plt.subplots(figsize=(11, 5))
    x = range(len(rows))
    axes.bar([i - 0.2 for i in x], [r["target"] for r in rows], 0.4, label="target",
             color="#bbbbbb")
    axes.bar([i + 0.2 for i in x], [r["realised"] for r in rows], 0.4, label="realised",
             color=COLOURS.get(policy))
    low = [r["band"][0] for r in rows]
    high = [r["band"][1] for r in rows]
    axes.vlines([i + 0.2 for i in x], low, high, color="black", linewidth=1,
                label="band (whole lettings)")
    axes.set_xticks(list(x), names, rotation=40, ha="right")
    axes.set_ylabel("urgent lettings")
    axes.set_title(f"{policy}: target vs realised per municipality")
    axes.legend()
    return _save(figure, path)


def _deviation(policy: str, rows, names, tolerance: float, path: Path) -> Path:
    figure, axes = plt.subplots(figsize=(11, 5))
    values = [100 * (r["deviation"] or 0) for r in rows]
    colours = ["#2ca02c" if r["withinBand"] else "#d62728" for r in rows]
    axes.bar(range(len(rows)), values, color=colours)
    axes.axhspan(-100 * tolerance, 100 * tolerance, color="#2ca02c", alpha=0.15)
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_xticks(range(len(rows)), names, rotation=40, ha="right")
    axes.set_ylabel("realised vs target (%)")
    axes.set_title(f"{policy}: deviation from fair share (green: within the band)")
    return _save(figure, path)


def _waiting(policy: str, rows, names, path: Path) -> Path:
    figure, axes = plt.subplots(figsize=(11, 5))
    x = range(len(rows))
    axes.bar([i - 0.2 for i in x], [r["meanWaitingDays"] or 0 for r in rows], 0.4,
             label="mean", color=COLOURS.get(policy))
    axes.bar([i + 0.2 for i in x], [r["p90WaitingDays"] or 0 for r in rows], 0.4,
             label="p90", color="#999999")
    axes.set_xticks(list(x), names, rotation=40, ha="right")
    axes.set_ylabel("days from urgency to move-in")
    axes.set_title(f"{policy}: waiting of housed candidates, by destination")
    axes.legend()
    return _save(figure, path)


def _save(figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
