"""A vacancy and its life: open -> withdrawn | let. Any other transition is a conflict."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from services.registry.domain.errors import Conflict
from shared.contracts.vocabulary import TenantType

# namespace of the ids of vacancies that arrive through the feed (uuid5): a replayed feed
# record yields the same id, so it can never create a second vacancy
FEED_NAMESPACE = uuid.UUID("5b0f7c1e-2a4d-4f0e-9c3b-7e1d2a6f9b40")


class VacancyStatus(StrEnum):
    OPEN = "open"
    WITHDRAWN = "withdrawn"
    LET = "let"


class VacancySource(StrEnum):
    API = "api"
    FEED = "feed"


class InvalidTransition(Conflict):
    def __init__(self, vacancy: "Vacancy", wanted: VacancyStatus):
        super().__init__(f"vacancy {vacancy.id} is {vacancy.status}; it can no longer become "
                         f"{wanted}", "invalid-transition", vacancyStatus=str(vacancy.status))


@dataclass(frozen=True)
class Vacancy:
    id: str
    bag_id: str
    corporation: str
    municipality: str
    available_from: date
    announced_at: datetime
    source: VacancySource
    status: VacancyStatus = VacancyStatus.OPEN
    withdrawn_on: date | None = None
    let_on: date | None = None
    tenant_type: TenantType | None = None

    def withdrawn(self, on: date) -> "Vacancy":
        self._require_open(VacancyStatus.WITHDRAWN)
        return replace(self, status=VacancyStatus.WITHDRAWN, withdrawn_on=on)

    def let(self, tenant_type: TenantType, on: date) -> "Vacancy":
        self._require_open(VacancyStatus.LET)
        return replace(self, status=VacancyStatus.LET, tenant_type=tenant_type, let_on=on)

    def _require_open(self, wanted: VacancyStatus) -> None:
        if self.status is not VacancyStatus.OPEN:
            raise InvalidTransition(self, wanted)


def feed_vacancy_id(corporation: str, bag_id: str, available_from: date) -> str:
    return str(uuid.uuid5(FEED_NAMESPACE, f"{corporation}:{bag_id}:{available_from.isoformat()}"))


def transition_event_id(vacancy_id: str, what: str) -> str:
    """Deterministic CloudEvents id of a feed vacancy's event (`announced`, `withdrawn`, `let`)."""
    return str(uuid.uuid5(FEED_NAMESPACE, f"{vacancy_id}:{what}"))
