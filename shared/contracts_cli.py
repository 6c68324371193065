"""`woonregie contracts`: the documents the platform publishes about itself, from the code.

- `openapi SERVICE`: the service's OpenAPI document (the same as its /v1/openapi.json);
- `asyncapi`: the AsyncAPI 3 document of every topic (docs/asyncapi.yaml), generated from
  shared/ (topics, event contracts, DLQ letter); `--check` fails when the file has drifted.
"""

from __future__ import annotations

import importlib
import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from shared.services import SERVICES

contracts_app = typer.Typer(help="API and event contracts (OpenAPI, AsyncAPI), generated.",
                            no_args_is_help=True)


def scratch_app(service: str, scratch: str):
    """The service's app on settings in a scratch folder; built, not started (no broker)."""
    spec = SERVICES[service]
    settings = spec.settings_class(
        data_dir=scratch, database_url=f"sqlite:///{scratch}/{service}.db",
        auth_database_url=f"sqlite:///{scratch}/auth.db", log_json=False)
    return importlib.import_module(spec.api_factory.split(":")[0]).create_app(settings)


def service_openapi_document(service: str) -> dict:
    """The service's OpenAPI document: what it serves at /v1/openapi.json."""
    with tempfile.TemporaryDirectory(prefix=f"woonregie-{service}-") as scratch:
        return scratch_app(service, scratch).openapi()


@contracts_app.command("openapi")
def openapi(service: Annotated[str, typer.Argument(help=f"one of: {', '.join(SERVICES)}")],
            out: Annotated[Path | None, typer.Option(help="write here, not to stdout")] = None,
            ) -> None:
    """Print (or write) a service's OpenAPI document."""
    if service not in SERVICES:
        raise typer.BadParameter(f"unknown service {service!r}; one of {', '.join(SERVICES)}")
    text = json.dumps(service_openapi_document(service), indent=2, ensure_ascii=False)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
