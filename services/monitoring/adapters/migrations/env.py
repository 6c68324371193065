"""Alembic environment of the monitoring service."""

from services.monitoring.adapters.tables import Base
from shared.migrations import run_migrations

run_migrations(Base.metadata)
