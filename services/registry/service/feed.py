"""The corporations' inbound vacancy feed: validate, deduplicate, republish.

Runs inside `shared.messaging.consuming.EventProcessor` (which drops redelivered CloudEvents ids and
commits). A record that can never apply raises `Rejected` and lands in the DLQ with the
reason. Semantic duplicates are dropped quietly:

- `announced` for a dwelling that already has an open vacancy: the corporation says again
  what we know; the first announcement stands;
- a replayed `announced`: its vacancy id is uuid5(corporation, bagId, availableFrom), which
  exists already;
- `withdrawn` / `let` for a dwelling whose latest vacancy already is withdrawn / let.
"""

from __future__ import annotations

import logging

from services.registry.domain.errors import RegistryError
from services.registry.domain.vacancies import (
    VacancySource,
    VacancyStatus,
    feed_vacancy_id,
    transition_event_id,
)
from services.registry.service import vacancies as steps
from services.registry.service.deps import Deps
from services.registry.service.uow import RegistryUnitOfWork
from shared.contracts.envelope import Received
from shared.contracts.events import FeedVacancyReported
from shared.messaging.consuming import Rejected

log = logging.getLogger(__name__)
ACTIONS = ("announced", "withdrawn", "let")


def handle_feed_record(uow: RegistryUnitOfWork, received: Received, deps: Deps) -> None:
    record = received.event
    if not isinstance(record, FeedVacancyReported):
        raise Rejected(f"expected {FeedVacancyReported.type_name()} on the feed, "
                       f"got {received.envelope.type}")
    action = {"announced": _announced, "withdrawn": _withdrawn, "let": _let}.get(record.action)
    if action is None:
        raise Rejected(f"action: {record.action!r} is not one of {', '.join(ACTIONS)}")
    try:
        action(uow, record, deps)
    except RegistryError as exc:
        raise Rejected(str(exc)) from exc


def _announced(uow: RegistryUnitOfWork, record: FeedVacancyReported, deps: Deps) -> None:
    if record.available_from is None:
        raise Rejected("availableFrom: is required for action announced")
    vacancy_id = feed_vacancy_id(record.corporation, record.bag_id, record.available_from)
    if uow.vacancies.get(vacancy_id) is not None:
        return _duplicate(record, "replayed announcement", vacancy_id)
    steps.own_dwelling(uow, record.corporation, record.bag_id)
    current = uow.vacancies.open_for(record.bag_id)
    if current is not None:
        return _duplicate(record, "the dwelling has an open vacancy", current.id)
    steps.announce(uow, deps, record.corporation, record.bag_id, record.available_from,
                   source=VacancySource.FEED, vacancy_id=vacancy_id,
                   event_id=transition_event_id(vacancy_id, "announced"),
                   announced_on=record.announced_on)


def _withdrawn(uow: RegistryUnitOfWork, record: FeedVacancyReported, deps: Deps) -> None:
    vacancy = _open_vacancy(uow, record, VacancyStatus.WITHDRAWN)
    if vacancy is not None:
        steps.withdraw(uow, deps, vacancy, record.withdrawn_on or deps.today(),
                       event_id=transition_event_id(vacancy.id, "withdrawn"))


def _let(uow: RegistryUnitOfWork, record: FeedVacancyReported, deps: Deps) -> None:
    if record.tenant_type is None:
        raise Rejected("tenantType: is required for action let (regular or urgent)")
    vacancy = _open_vacancy(uow, record, VacancyStatus.LET)
    if vacancy is not None:
        steps.let(uow, deps, vacancy, record.tenant_type, record.let_on or deps.today(),
                  event_id=transition_event_id(vacancy.id, "let"), date_field="letOn")


def _open_vacancy(uow: RegistryUnitOfWork, record: FeedVacancyReported,
                  wanted: VacancyStatus):
    """The dwelling's open vacancy; None for a duplicate of what already happened."""
    steps.own_dwelling(uow, record.corporation, record.bag_id)
    vacancy = uow.vacancies.open_for(record.bag_id)
    if vacancy is not None:
        return vacancy
    latest = uow.vacancies.latest_for(record.bag_id)
    if latest is not None and latest.status is wanted:
        return _duplicate(record, f"the latest vacancy is {wanted} already", latest.id)
    raise Rejected(f"bagId: dwelling {record.bag_id} has no open vacancy to mark {wanted}")


def _duplicate(record: FeedVacancyReported, why: str, vacancy_id: str) -> None:
    log.info("feed record collapsed into an existing vacancy",
             extra={"action": record.action, "bag_id": record.bag_id, "why": why,
                    "vacancy_id": vacancy_id})
    return None
