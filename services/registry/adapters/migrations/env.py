"""Alembic environment of the registry service."""

from services.registry.adapters.tables import Base
from shared.migrations import run_migrations

run_migrations(Base.metadata)
