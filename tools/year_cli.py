"""`woonregie demo --year`: the year demo with a progress bar and a closing summary."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from shared.contracts.periods import today_amsterdam


def run_year_demo(*, registry_url: str, intake_url: str, allocation_url: str,
                  kafka_bootstrap: str | None, data_dir: Path | None, seed: int,
                  days: int | None, step_days: int = 7) -> None:
    from shared.auth import TokenStore
    from shared.db import make_engine
    from shared.settings import WoonregieSettings
    from tools.year_demo import YearDemo
    from tools.year_http import PartyApi
    from tools.year_kafka import DecisionWatch, VacancyFeed
    from tools.year_setup import SetupFailed
    from tools.year_world import SCENARIO, first_days, whole_year

    settings = WoonregieSettings(**({"data_dir": data_dir} if data_dir else {}))
    store = TokenStore(make_engine(settings.auth_db_url()))
    today = today_amsterdam()
    horizon = (today - today.replace(month=1, day=1)).days + 1
    whole = whole_year(today.year, seed)
    world = first_days(whole, min(days or horizon, horizon))
    bootstrap, security = kafka_bootstrap or settings.kafka_bootstrap, settings.kafka_security()
    api = PartyApi(registry_url=registry_url, intake_url=intake_url,
                   allocation_url=allocation_url,
                   tokens=lambda org, role: store.issue(org, role).token)
    feed, watch = VacancyFeed(bootstrap, security), DecisionWatch(bootstrap, security)
    demo = YearDemo(world, api, feed, watch, today=today, stock=whole, step_days=step_days)
    console = Console()
    console.print(f"jaardemo {SCENARIO} {world.year}, seed {seed}: {len(demo.days())} dagen, "
                  f"{len(world.arrivals)} kandidaten, {len(world.vacancies)} woningen",
                  highlight=False)
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total} dagen"), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("jaardemo", total=len(demo.days()))
        try:
            stats = demo.run(lambda s: bar.update(task, completed=min(s.days_done,
                                                                       len(demo.days())),
                                                  description=s.line()))
        except SetupFailed as exc:
            console.print(f"[red]fout[/red] {exc}", highlight=False)
            raise typer.Exit(1) from exc
        finally:
            feed.close()
            watch.close()
            api.close()
    console.print("seconden per stap: " + ", ".join(
        f"{phase} {seconds:.0f}" for phase, seconds in stats.seconds.most_common()),
        highlight=False)
    for message in stats.last_errors:
        console.print(f"[red]fout[/red] {message}", highlight=False)
    typer.echo(f"summary: days={stats.days_done} candidates={stats.candidates} "
               f"urgency_granted={stats.urgency_granted} vacancies={stats.vacancies} "
               f"proposals={stats.proposals} accepted={stats.accepted} "
               f"declined_by_candidate={stats.declined_by_candidate} "
               f"declined_by_corporation={stats.declined_by_corporation} "
               f"placements={stats.placements} let_to_regular={stats.let_to_regular} "
               f"withdrawn={stats.withdrawn} undecided={stats.undecided} errors={stats.errors}")
