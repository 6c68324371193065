"""The portal's commands for the `woonregie` CLI (registered by shared.local.cli): `users`."""

from __future__ import annotations

import functools
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from shared.contracts.vocabulary import Role

users_app = typer.Typer(help="Local accounts of the portal (passwords stored as Argon2id).",
                        no_args_is_help=True)
console = Console()


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    for command in app.registered_commands:
        if command.name == "demo":  # allocation's feed; the portal adds its people to it
            command.callback = _with_demo_accounts(command.callback)


def _with_demo_accounts(feed: Callable) -> Callable:
    @functools.wraps(feed)
    def demo(*args, **kwargs):
        from shared.local.launcher import local_platform

        feed(*args, **kwargs)
        platform = local_platform(kwargs.get("data_dir"))
        _print_logins(ensure_demo_accounts(platform.data_dir), platform.url("portal"))

    return demo


def ensure_demo_accounts(data_dir: Path | None) -> list[tuple[str, str, str, str]]:
    """One account per role with a fresh random password: (email, password, role, org)."""
    from services.portal.demo import DEMO_ACCOUNTS

    service = account_service(data_dir)
    existing = {account.email for account in service.list()}
    logins = []
    for email, org, role, name in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        if email in existing:
            service.set_password(email, password)
        else:
            service.add(email, org, role, password, display_name=name)
        logins.append((email, password, str(role), org))
    return logins


def _print_logins(logins: list[tuple[str, str, str, str]], portal_url: str) -> None:
    table = Table(title="Inloggen in het portaal")
    for heading in ("e-mail", "wachtwoord", "rol", "organisatie"):
        table.add_column(heading, no_wrap=True)  # a cut address or password is no use
    for row in logins:
        table.add_row(*row)
    Console(width=max(console.width, 110)).print(table)
    console.print(f"Portaal: {portal_url}/inloggen (er wacht werk in elke rol)",
                  highlight=False)


def account_service(data_dir: Path | None = None):
    from services.portal.bootstrap import account_service_for
    from shared.local.services import SERVICES
    from shared.migrations import upgrade
    from shared.settings import PortalSettings

    settings = PortalSettings(**({"data_dir": data_dir} if data_dir else {}))
    upgrade(SERVICES["portal"].migrations, settings.db_url())  # before `make run` ever did
    return account_service_for(settings)


@users_app.command("add")
def users_add(
    org: Annotated[str, typer.Option(help="organisation; a municipality's CBS code, e.g. GM0014")],
    role: Annotated[Role, typer.Option(help="the role of this person")],
    email: Annotated[str, typer.Option(help="login name and contact address")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="read the password from standard input (first line)")] = False,
    name: Annotated[str | None, typer.Option(help="display name (default: the e-mail)")] = None,
) -> None:
    """Add a local account; the password comes from standard input, never from arguments."""
    if not password_stdin:
        raise typer.BadParameter("give --password-stdin and pipe the password in")
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        account = account_service().add(email, org, role, password, display_name=name)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(f"account {account.id} for {account.email} ({account.role}, {account.org})",
                  highlight=False)


@users_app.command("list")
def users_list() -> None:
    """List accounts (never their passwords)."""
    table = Table("id", "e-mail", "org", "role", "status")
    for account in account_service().list():
        status = "uitgeschakeld" if account.disabled else (
            f"geblokkeerd tot {account.locked_until:%Y-%m-%d %H:%M}" if account.locked_until
            else "actief")
        table.add_row(account.id, account.email, account.org, str(account.role), status)
    console.print(table)


@users_app.command("disable")
def users_disable(email: Annotated[str, typer.Argument(help="the account's e-mail")]) -> None:
    """Disable an account and end its sessions."""
    from services.portal.bootstrap import session_store_for
    from shared.settings import PortalSettings

    service = account_service()
    subject = service.disable(email)
    if subject is None:
        console.print(f"no account for {email}")
        raise typer.Exit(1)
    session_store_for(PortalSettings()).end_all_of(subject)
    console.print(f"disabled {email}")
