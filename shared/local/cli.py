"""`woonregie`: the command line of the platform (tokens, services, broker, database)."""

from __future__ import annotations

import importlib
import os
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from shared.contracts.vocabulary import Role
from shared.local.contracts_cli import contracts_app
from shared.local.services import SERVICES
from shared.settings import WoonregieSettings

app = typer.Typer(help="Woonregie: wonen en zorg voor aandachtsgroepen in Groningen.",
                  no_args_is_help=True)
tokens_app = typer.Typer(help="Organisation tokens (bearer tokens, stored hashed).",
                         no_args_is_help=True)
db_app = typer.Typer(help="Database migrations per service.", no_args_is_help=True)
app.add_typer(tokens_app, name="tokens")
app.add_typer(db_app, name="db")
app.add_typer(contracts_app, name="contracts")
console = Console()

ServiceName = Annotated[str, typer.Argument(help=f"one of: {', '.join(SERVICES)}")]


def _spec(name: str):
    if name not in SERVICES:
        raise typer.BadParameter(f"unknown service {name!r}; one of {', '.join(SERVICES)}")
    return SERVICES[name]


def _token_store():
    from shared.auth import TokenStore
    from shared.db import make_engine

    return TokenStore(make_engine(WoonregieSettings().auth_db_url()))


@tokens_app.command("issue")
def tokens_issue(
    org: Annotated[str, typer.Option(help="organisation; a municipality's CBS code, e.g. GM0014")],
    role: Annotated[Role, typer.Option(help="the role this token carries")],
) -> None:
    """Issue a bearer token; the token is the last line of the output."""
    try:
        issued = _token_store().issue(org, role)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(f"token {issued.id} for {issued.org} ({issued.role}); keep it secret:",
                  highlight=False)
    print(issued.token)


@tokens_app.command("revoke")
def tokens_revoke(token_id: str) -> None:
    """Revoke a token by its id (see `tokens list`)."""
    if not _token_store().revoke(token_id):
        console.print(f"no active token with id {token_id}")
        raise typer.Exit(1)
    console.print(f"revoked {token_id}")


@tokens_app.command("list")
def tokens_list() -> None:
    """List tokens (never the tokens themselves: only their ids, orgs and roles)."""
    table = Table("id", "org", "role", "created", "revoked")
    for row in _token_store().list():
        table.add_row(row["id"], row["org"], row["role"], str(row["created_at"]),
                      str(row["revoked_at"] or ""))
    console.print(table)


@db_app.command("upgrade")
def db_upgrade(service: ServiceName) -> None:
    """Upgrade the service's database to the newest migration."""
    from shared.migrations import upgrade

    spec = _spec(service)
    upgrade(spec.migrations, spec.settings_class().db_url())


@db_app.command("revision")
def db_revision(service: ServiceName, message: Annotated[str, typer.Option("-m")]) -> None:
    """Autogenerate a migration from the service's tables (developers)."""
    from shared.migrations import revision, upgrade

    spec = _spec(service)
    url = spec.settings_class().db_url()
    upgrade(spec.migrations, url)
    revision(spec.migrations, url, message)


@app.command()
def serve(service: ServiceName) -> None:
    """Run one service's HTTP API (after upgrading its database)."""
    import uvicorn
    from uvicorn.importer import import_from_string

    from shared.migrations import upgrade
    from shared.runtime import freeze_startup_objects

    spec = _spec(service)
    settings = spec.settings_class()
    upgrade(spec.migrations, settings.db_url())
    api = import_from_string(spec.api_factory)()
    freeze_startup_objects()
    uvicorn.run(api, host=settings.host, port=settings.port, log_config=None,
                access_log=False)


@app.command()
def worker(service: ServiceName) -> None:
    """Run one service's Faust worker (allocation, monitoring)."""
    from shared.migrations import upgrade

    spec = _spec(service)
    if not spec.has_worker:
        raise typer.BadParameter(f"{service} has no worker")
    settings = spec.settings_class()
    upgrade(spec.migrations, settings.db_url())
    importlib.import_module(spec.worker_module()).run_worker(settings)


@app.command()
def run() -> None:
    """Run the whole platform locally: Kafka broker and all services, until Ctrl-C."""
    from shared.local.launcher import Platform, run_forever

    run_forever(Platform())


@app.command()
def stop() -> None:
    """Stop what `woonregie run` started (by the PIDs it recorded)."""
    from shared.local.launcher import RunSettings, stop_recorded

    stopped = stop_recorded(RunSettings().run_dir)
    console.print(f"stopped: {', '.join(stopped) or 'nothing was running'}")


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False
           ) -> None:
    """Every part of `woonregie run`: pid, up since, restarts and health (exit 1 if any is
    not healthy, or nothing runs)."""
    import dataclasses
    import json

    from shared.local.launcher import RunSettings
    from shared.local.supervision import read_status

    launcher, parts = read_status(RunSettings().run_dir)
    if as_json:
        print(json.dumps({"launcher": launcher,
                          "parts": [dataclasses.asdict(p) for p in parts]}, indent=1))
    elif launcher is None:
        console.print("woonregie run draait niet")
    else:
        table = Table("onderdeel", "pid", "up since", "restarts", "health",
                      title=f"launcher pid {launcher}")
        for part in parts:
            table.add_row(part.name, str(part.pid or ""), part.up_since or "",
                          str(part.restarts), part.health)
        console.print(table)
    if launcher is None or any(part.health != "healthy" for part in parts):
        raise typer.Exit(1)


@app.command()
def topics(
    bootstrap: Annotated[str | None, typer.Option()] = None,
    replication_factor: Annotated[int, typer.Option(
        min=1, help="replicas of each new topic (3 on a three-broker cluster)")] = 1,
) -> None:
    """Create every topic of the topic registry (idempotent)."""
    from shared.messaging.kafka_admin import ensure_topics

    settings = WoonregieSettings()
    ensure_topics(bootstrap or settings.kafka_bootstrap, replication_factor=replication_factor,
                  **settings.kafka_security())
    console.print("topics in place")


REBUILDABLE = ("monitoring", "allocation")


@app.command()
def rebuild(
    service: Annotated[str, typer.Argument(help=f"one of: {', '.join(REBUILDABLE)}")],
    database_url: Annotated[str | None, typer.Option(
        help="the empty database to rebuild into; default <data_dir>/<service>.rebuilt.db")
    ] = None,
    force: Annotated[bool, typer.Option(help="empty a target that holds rows first")] = False,
) -> None:
    """Rebuild a service's state from the topics (offset 0 to the end now) into an empty
    database, and print how to switch to it (docs/OPERATIONS.md)."""
    from kafka.errors import KafkaError

    from shared.local.rebuild_target import TargetNotEmpty
    from shared.messaging.topic_scan import MissingTopics

    if service not in REBUILDABLE:
        raise typer.BadParameter(f"{service!r} has no rebuild; one of {', '.join(REBUILDABLE)}")
    try:
        importlib.import_module(f"services.{service}.rebuild").run(database_url, force, console)
    except (TargetNotEmpty, MissingTopics, KafkaError) as exc:
        console.print(f"rebuild not done: {exc}", highlight=False)
        raise typer.Exit(1) from exc


def _add_service_commands() -> None:
    """The tools (simulate, demo) and the portal (users) add commands through a `cli` module."""
    for module in ("tools.cli", "services.portal.cli"):
        try:
            extension = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        extension.register(app)


def main() -> None:
    _add_service_commands()
    app(prog_name="woonregie")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
