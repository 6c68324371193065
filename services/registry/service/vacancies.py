"""Use cases of vacancies. The steps (`announce`, `withdraw`, `let`) stage state and events
without committing, so that the HTTP handlers and the feed consumer share them."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from services.registry.domain.dwellings import Dwelling
from services.registry.domain.errors import Collected, Conflict, InvalidInput, NotFound
from services.registry.domain.rules import (
    AVAILABLE_FROM_WINDOW,
    EVENT_DATE_WINDOW,
    bag_id_error,
    date_window_error,
)
from services.registry.domain.vacancies import Vacancy, VacancySource
from services.registry.service import commands as c
from services.registry.service.deps import Deps
from services.registry.service.events import (
    vacancy_announced,
    vacancy_let,
    vacancy_withdrawn,
)
from services.registry.service.uow import RegistryUnitOfWork
from shared.contracts.periods import AMSTERDAM
from shared.contracts.vocabulary import TenantType
from shared.pagination import Page

# --- steps (no commit) --------------------------------------------------------------------


def own_dwelling(uow: RegistryUnitOfWork, corporation: str, bag_id: str) -> Dwelling:
    """The caller's dwelling; unknown and foreign dwellings get the same answer."""
    error = bag_id_error(bag_id)
    if error:
        raise InvalidInput.of("bagId", error)
    dwelling = uow.dwellings.get(bag_id)
    if dwelling is None or dwelling.corporation != corporation:
        raise InvalidInput.of("bagId", f"{corporation} has no dwelling {bag_id}; register it "
                                       f"first with PUT /v1/dwellings/{bag_id}")
    return dwelling


def announce(uow: RegistryUnitOfWork, deps: Deps, corporation: str, bag_id: str,
             available_from: date | None, *, source: VacancySource,
             vacancy_id: str | None = None, event_id: str | None = None,
             date_field: str = "availableFrom", announced_on: date | None = None) -> Vacancy:
    found = Collected()
    if announced_on is not None:
        found.add("announcedOn", announced_on_error(announced_on, deps.today()))
    dwelling = None
    try:
        dwelling = own_dwelling(uow, corporation, bag_id)
    except InvalidInput as exc:
        found.errors.extend(exc.errors)
    found.add(date_field, date_window_error(available_from, deps.today(), AVAILABLE_FROM_WINDOW))
    found.raise_if_any()
    current = uow.vacancies.open_for(bag_id)
    if current is not None:
        raise Conflict(f"dwelling {bag_id} already has an open vacancy {current.id}",
                       "open-vacancy-exists", existingId=current.id)
    vacancy = Vacancy(id=vacancy_id or deps.new_id(), bag_id=bag_id, corporation=corporation,
                      municipality=dwelling.municipality, available_from=available_from,
                      announced_at=deps.now() if announced_on is None
                      else noon_amsterdam(announced_on), source=source)
    uow.vacancies.add(vacancy)
    uow.emit(vacancy_announced(vacancy, dwelling), event_id=event_id)
    return vacancy


def announced_on_error(on: date, today: date) -> str | None:
    """An announcement reported afterwards: within the past year, never in the future."""
    if on > today:
        return "lies in the future"
    return date_window_error(on, today, EVENT_DATE_WINDOW)


def noon_amsterdam(day: date) -> datetime:
    # noon keeps the Amsterdam date whatever the UTC offset: allocation decides on that date
    return datetime.combine(day, time(12), AMSTERDAM).astimezone(timezone.utc)


def withdraw(uow: RegistryUnitOfWork, deps: Deps, vacancy: Vacancy, on: date, *,
             event_id: str | None = None, date_field: str = "withdrawnOn") -> Vacancy:
    error = date_window_error(on, deps.today(), EVENT_DATE_WINDOW)
    if error:
        raise InvalidInput.of(date_field, error)
    withdrawn = vacancy.withdrawn(on)
    uow.vacancies.save(withdrawn)
    uow.emit(vacancy_withdrawn(withdrawn), event_id=event_id)
    return withdrawn


def let(uow: RegistryUnitOfWork, deps: Deps, vacancy: Vacancy, tenant_type: TenantType,
        on: date, *, event_id: str | None = None, date_field: str = "date") -> Vacancy:
    error = date_window_error(on, deps.today(), EVENT_DATE_WINDOW)
    if error:
        raise InvalidInput.of(date_field, error)
    let_vacancy = vacancy.let(tenant_type, on)
    uow.vacancies.save(let_vacancy)
    uow.emit(vacancy_let(let_vacancy), event_id=event_id)
    return let_vacancy


def own_vacancy(uow: RegistryUnitOfWork, corporation: str, vacancy_id: str,
                *, for_update: bool = False) -> Vacancy:
    vacancy = uow.vacancies.get(vacancy_id, for_update=for_update)
    if vacancy is None or vacancy.corporation != corporation:
        raise NotFound(f"no vacancy {vacancy_id} of yours")
    return vacancy


# --- handlers -----------------------------------------------------------------------------


def announce_vacancy(cmd: c.AnnounceVacancy, uow: RegistryUnitOfWork, deps: Deps) -> Vacancy:
    vacancy = announce(uow, deps, cmd.corporation, cmd.bag_id, cmd.available_from,
                       source=VacancySource.API)
    uow.commit()
    return vacancy


def withdraw_vacancy(cmd: c.WithdrawVacancy, uow: RegistryUnitOfWork, deps: Deps) -> Vacancy:
    vacancy = own_vacancy(uow, cmd.corporation, cmd.vacancy_id, for_update=True)
    withdrawn = withdraw(uow, deps, vacancy, deps.today())
    uow.commit()
    return withdrawn


def report_letting(cmd: c.ReportLetting, uow: RegistryUnitOfWork, deps: Deps) -> Vacancy:
    vacancy = own_vacancy(uow, cmd.corporation, cmd.vacancy_id, for_update=True)
    let_vacancy = let(uow, deps, vacancy, cmd.tenant_type, cmd.let_on)
    uow.commit()
    return let_vacancy


def read_vacancy(cmd: c.ReadVacancy, uow: RegistryUnitOfWork, deps: Deps) -> Vacancy:
    return own_vacancy(uow, cmd.corporation, cmd.vacancy_id)


def list_vacancies(cmd: c.ListVacancies, uow: RegistryUnitOfWork, deps: Deps) -> Page:
    items, total = uow.vacancies.page(cmd.corporation, cmd.status, cmd.page, cmd.page_size)
    return Page(items, cmd.page, cmd.page_size, total)
