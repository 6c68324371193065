"""Alembic environment of the allocation service."""

from services.allocation.adapters.tables import Base
from shared.migrations import run_migrations

run_migrations(Base.metadata)
