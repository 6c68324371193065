"""What handlers need besides the unit of work: reference data, settings, clocks, ids."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from services.registry.domain.reference import ReferenceData
from shared.contracts.periods import today_amsterdam, utcnow


@dataclass(frozen=True)
class Deps:
    reference: ReferenceData
    turnover_rate: float
    stock_per_inhabitant: float
    today: Callable[[], date] = today_amsterdam
    now: Callable[[], datetime] = utcnow
    new_id: Callable[[], str] = field(default=lambda: str(uuid.uuid4()))
