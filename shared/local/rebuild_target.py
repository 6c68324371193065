"""The database a rebuild writes into: empty, then migrated to the newest schema.

A rebuild never writes over data by accident: a target with rows in any table is refused
unless forced; forced, its tables are dropped first (on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, func, inspect, select
from sqlalchemy.engine import make_url

from shared.db import make_engine
from shared.migrations import upgrade

SCHEMA_TABLE = "alembic_version"


class TargetNotEmpty(Exception):
    """The target database holds rows; the rebuild refuses it without `force`."""


def default_target_url(data_dir: Path, service: str) -> str:
    """A new file beside the live one: `<data_dir>/<service>.rebuilt.db`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / f'{service}.rebuilt.db'}"


def prepare_target(url: str, migrations: Path, *, force: bool) -> None:
    """Refuse a non-empty target (or empty it when `force`), then apply the migrations."""
    _ensure_sqlite_folder(url)
    engine = make_engine(url)
    try:
        filled = _tables_with_rows(engine)
        if filled and not force:
            raise TargetNotEmpty(f"the target database is not empty (rows in "
                                 f"{', '.join(filled)}); give --force to overwrite it")
        if filled or inspect(engine).get_table_names():
            existing = MetaData()
            existing.reflect(engine)
            existing.drop_all(engine)
    finally:
        engine.dispose()
    upgrade(migrations, url)


def _tables_with_rows(engine) -> list[str]:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return sorted(name for name, table in metadata.tables.items()
                      if name != SCHEMA_TABLE
                      and connection.scalar(select(func.count()).select_from(table)))


def _ensure_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
