"""`woonregie demo --year`: the year demo with a progress bar and a closing summary."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from shared.contracts.periods import today_amsterdam

# allocation's worker expires an unanswered proposal by the clock's date (a proposal nobody
# answered in time really is overdue); the demo's proposals lie in the past, so a tick during
# the run would expire every open one of them, dated today
TIMER_NEEDED = ("Nodig: het platform gestart met WOONREGIE_TIMER_SECONDS=86400 make run, "
                "anders laat de timer van allocatie de voorstellen van het nagespeelde jaar "
                "vandaag verlopen.")


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
    feed, watch = VacancyFeed(bootstrap, security), DecisionWatch(bootstrap, security, today)
    demo = YearDemo(world, api, feed, watch, today=today, stock=whole, step_days=step_days)
    console = Console()
    console.print(f"jaardemo {SCENARIO} {world.year}, seed {seed}: {len(demo.days())} dagen, "
                  f"{len(world.arrivals)} kandidaten, {len(world.vacancies)} woningen",
                  highlight=False)
    console.print(TIMER_NEEDED, highlight=False)
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
    if stats.expired_by_timer:
        console.print(f"[red]let op[/red] {stats.expired_by_timer} voorstellen uit het "
                      f"verleden zijn vandaag verlopen door de timer van allocatie. "
                      + TIMER_NEEDED, highlight=False)
    typer.echo(f"summary: days={stats.days_done} candidates={stats.candidates} "
               f"urgency_granted={stats.urgency_granted} vacancies={stats.vacancies} "
               f"proposals={stats.proposals} accepted={stats.accepted} "
               f"declined_by_candidate={stats.declined_by_candidate} "
               f"declined_by_corporation={stats.declined_by_corporation} "
               f"placements={stats.placements} let_to_regular={stats.let_to_regular} "
               f"withdrawn={stats.withdrawn} undecided={stats.undecided} errors={stats.errors} "
               f"expired_by_timer={stats.expired_by_timer} "
               f"withdrawal_deferred={stats.withdrawal_deferred}")
