"""Alembic environment of the portal service."""

from services.portal.adapters.tables import Base
from shared.migrations import run_migrations

run_migrations(Base.metadata)
