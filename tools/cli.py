"""Allocation's commands for the `woonregie` CLI (registered by shared.local.cli): `simulate` and
`demo`."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.allocation.domain.controller import Pacing


class PolicyChoice(StrEnum):
    ADAPTIVE = "adaptive"
    STATIC_QUOTA = "static-quota"
    FIFO = "fifo"
    ALL = "all"


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)
    app.command("demo")(demo)


def demo(
    rate: Annotated[float, typer.Option(min=0.1, help="about this many HTTP actions per "
                                                      "second")] = 5.0,
    seconds: Annotated[float | None, typer.Option(
        min=1, help="stop after this many seconds (default 60 unless --count)")] = None,
    count: Annotated[int | None, typer.Option(min=1, help="stop after this many actions")] = None,
    registry_url: Annotated[str | None, typer.Option(
        help="default: 127.0.0.1 on WOONREGIE_RUN_REGISTRY_PORT (8001), as `make run`")] = None,
    intake_url: Annotated[str | None, typer.Option(
        help="default: 127.0.0.1 on WOONREGIE_RUN_INTAKE_PORT (8002)")] = None,
    allocation_url: Annotated[str | None, typer.Option(
        help="default: 127.0.0.1 on WOONREGIE_RUN_ALLOCATION_PORT (8003)")] = None,
    data_dir: Annotated[Path | None, typer.Option(
        help="the platform's data folder, whose auth DB issues the demo's tokens "
             "(default: WOONREGIE_DATA_DIR, else `make run`'s WOONREGIE_RUN_DATA_DIR)")] = None,
    seed: Annotated[int | None, typer.Option(help="fixes the generated actors")] = None,
    leave_for_portal: Annotated[bool, typer.Option(
        help="leave the first corporation's proposals unanswered, for its person in the "
             "portal")] = True,
    year: Annotated[bool, typer.Option(
        "--year", help="drive the simulator's year (groningen scenario) from 1 January up to "
                       "today instead, with the dates the events carry")] = False,
    days: Annotated[int | None, typer.Option(
        min=1, max=366, help="with --year: only the first N days of the year")] = None,
    step_days: Annotated[int, typer.Option(
        min=1, max=31, help="with --year: days announced together (1: exactly the "
                            "simulator's order, slower)")] = 7,
    kafka_bootstrap: Annotated[str | None, typer.Option(
        help="with --year: the broker of the corporations' vacancy feed "
             "(default: WOONREGIE_KAFKA_BOOTSTRAP)")] = None,
) -> None:
    """Drive the running platform (`make run`) through its public HTTP APIs as corporations,
    care providers, municipalities and the province would, so the dashboard moves."""
    from shared.local.launcher import local_platform

    target = local_platform(data_dir)
    registry_url = registry_url or target.url("registry")
    intake_url = intake_url or target.url("intake")
    allocation_url = allocation_url or target.url("allocation")
    data_dir = target.data_dir
    kafka_bootstrap = kafka_bootstrap or target.bootstrap
    if year:
        # the year demo uses the simulator and several services' domains: it is a tool
        from tools.year_cli import run_year_demo

        run_year_demo(registry_url=registry_url, intake_url=intake_url,
                      allocation_url=allocation_url, kafka_bootstrap=kafka_bootstrap,
                      data_dir=data_dir, seed=1 if seed is None else seed, days=days,
                      step_days=step_days)
        return
    from shared.auth import TokenStore
    from shared.db import make_engine
    from shared.settings import WoonregieSettings
    from tools.demo import CORPORATIONS, DemoFeed

    settings = WoonregieSettings(**({"data_dir": data_dir} if data_dir else {}))
    store = TokenStore(make_engine(settings.auth_db_url()))
    if seconds is None and count is None:
        seconds = 60.0
    feed = DemoFeed(registry_url=registry_url, intake_url=intake_url,
                    allocation_url=allocation_url, seed=seed,
                    tokens=lambda org, role: store.issue(org, role).token,
                    left_for_people=(CORPORATIONS[0],) if leave_for_portal else ())
    console = Console()
    total = count if count is not None else seconds
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as bar:
        task = bar.add_task("demo", total=total)

        def progress(stats, elapsed: float) -> None:
            done = stats.actions if count is not None else min(elapsed, seconds or elapsed)
            bar.update(task, completed=done, description=(
                f"actions {stats.actions}  errors {stats.errors}  candidates {stats.candidates}"
                f"  vacancies {stats.vacancies}  answered {stats.proposals_answered}"
                f"  placements {stats.placements}"))

        try:
            stats = feed.run(rate=rate, seconds=seconds, count=count, on_progress=progress)
            for _ in feed.leave_work_waiting():  # for people logging in to the portal
                pass
        finally:
            feed.close()
    table = Table(title="demo feed")
    table.add_column("")
    table.add_column("", justify="right")
    for key, label in (("actions", "actions"), ("errors", "errors"),
                       ("candidates", "candidates registered"),
                       ("urgency_granted", "urgency granted"), ("vacancies", "vacancies"),
                       ("proposals_answered", "proposals answered"),
                       ("placements", "placements")):
        table.add_row(label, str(getattr(stats, key)))
    console.print(table)
    for message in stats.last_errors:
        console.print(f"[red]error[/red] {message}", highlight=False)
    typer.echo(f"summary: actions={stats.actions} errors={stats.errors} "
               f"proposals_answered={stats.proposals_answered} placements={stats.placements}")


def simulate(
    scenario: Annotated[str, typer.Option(help="a bundled scenario name or a JSON file")] = (
        "groningen"),
    year: Annotated[int, typer.Option(help="the agreement's year")] = 2026,
    policy: Annotated[PolicyChoice, typer.Option(help="policy to run; `all` compares the "
                                                      "three")] = PolicyChoice.ADAPTIVE,
    seed: Annotated[int, typer.Option(help="fixes the world; same seed, same report")] = 1,
    json_out: Annotated[bool, typer.Option("--json", help="print the report as JSON on "
                                                          "stdout")] = False,
    out: Annotated[Path | None, typer.Option(help="folder for the JSON report and PNG charts "
                                                  "(default: simulation/<scenario>-<year>-"
                                                  "<policy>-seed<seed>)")] = None,
    days: Annotated[int | None, typer.Option(
        min=1, max=366, help="simulate only the first N days (targets pro rata)")] = None,
    urgent_share: Annotated[float | None, typer.Option(min=0.0, max=1.0,
                                                       help="override the agreement's urgent "
                                                            "share p")] = None,
    bound: Annotated[bool, typer.Option(help="solve the hindsight bounds (year-end and "
                                             "paced) for the ratios")] = True,
    charts: Annotated[bool, typer.Option(help="write PNG charts next to the JSON")] = True,
    pacing: Annotated[Pacing | None, typer.Option(
        help="how adaptive spreads the target: even over the year's lettings, or "
             "front-loaded up to the top of the band (default: the scenario's)")] = None,
) -> None:
    """Simulate a year of allocation under a policy, in-process, and report fair share,
    waiting and constraint violations against the hindsight bound."""
    from tools.simulator import POLICIES, ScenarioError, load_scenario, run

    err = Console(stderr=True)
    try:
        loaded = load_scenario(scenario)
        if urgent_share is not None:
            loaded = loaded.with_urgent_share(urgent_share)
    except ScenarioError as exc:
        raise typer.BadParameter(str(exc)) from exc
    policies = list(POLICIES) if policy is PolicyChoice.ALL else [policy.value]
    folder = out or Path("simulation") / f"{loaded.name}-{year}-{policy.value}-seed{seed}"
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
            "{task.completed}/{task.total}"), TimeElapsedColumn(), console=err,
            transient=True, disable=not err.is_terminal) as bar:

        def progress(label: str, total: int):
            task = bar.add_task(label, total=total)
            return lambda done: bar.update(task, completed=done)

        report = run(loaded, year, seed, policies, days=days, with_bounds=bound, out=folder,
                     progress=progress, with_charts=charts, pacing=pacing)
    if json_out:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        return
    console = Console()
    reports = list(report["policies"].values()) if "policies" in report else [report]
    for item in reports:
        console.print(_municipality_table(item))
    console.print(_summary_table(reports))
    console.print(f"report and charts in {folder}/", highlight=False)


def _municipality_table(report: dict) -> Table:
    table = Table("municipality", "target", "band", "realised", "deviation", "p90 wait",
                  "priority share", title=f"{report['policy']}: fair share per municipality")
    for row in report["municipalities"]:
        deviation = row["deviation"]
        mark = "" if row["withinBand"] else " !"
        table.add_row(row["name"], f"{row['target']:g}", f"{row['band'][0]}-{row['band'][1]}",
                      str(row["realised"]),
                      "-" if deviation is None else f"{100 * deviation:+.1f}%{mark}",
                      "-" if row["p90WaitingDays"] is None else f"{row['p90WaitingDays']:g}",
                      "-" if row["priorityShare"] is None else f"{row['priorityShare']:.1%}")
    return table


def _summary_table(reports: list[dict]) -> Table:
    table = Table("policy", "housed", "unhoused", "within band", "mean wait", "p90 wait",
                  "waiting cost", "x bound", "x paced bound", "violations",
                  title="policies against the hindsight bound")
    for report in reports:
        totals, ratios = report["totals"], report["ratios"]
        table.add_row(report["policy"], str(totals["housed"]), str(totals["unhoused"]),
                      f"{totals['municipalitiesWithinBand']}/{totals['municipalities']}",
                      f"{totals['meanWaitingDays']}", f"{totals['p90WaitingDays']}",
                      f"{totals['waitingCost']['total']:.0f}",
                      _times(ratios.get("waitingCostToYearEndBound")),
                      _times(ratios.get("waitingCostToPacedBound")),
                      str(report["constraintViolations"]["total"]))
    return table


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"
