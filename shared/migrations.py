"""Alembic, driven from code: each service keeps its migrations in
`services/<name>/adapters/migrations`, and upgrades its database to head when it starts."""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool

from shared.db import make_engine


def alembic_config(script_location: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(script_location: Path, url: str) -> None:
    command.upgrade(alembic_config(script_location, url), "head")


def revision(script_location: Path, url: str, message: str) -> None:
    command.revision(alembic_config(script_location, url), message=message, autogenerate=True)


def run_migrations(metadata: MetaData) -> None:
    """Body of every service's `env.py` (online mode only: we always have a database)."""
    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
