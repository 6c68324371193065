"""Vacancies: announced, withdrawn and let by the corporation that owns the dwelling."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from services.registry.api.deps import BusDep, CorporationDep
from services.registry.api.schemas import (
    MAX_PAGE,
    LettingIn,
    VacancyIn,
    VacancyOut,
    VacancyPage,
)
from services.registry.domain.vacancies import VacancyStatus
from services.registry.service import commands as c
from shared.api import PREFIX, json_router

router = json_router(tags=["vacancies"])
VacancyId = Annotated[str, Path(alias="id", max_length=64, description="the vacancy id")]
ANSWERS = {404: {"description": "unknown, or another corporation's"},
           409: {"description": "the vacancy is no longer open"}}


def _location(vacancy_id: str) -> str:
    return f"{PREFIX}/vacancies/{vacancy_id}"


@router.post("/vacancies", status_code=201, response_model=VacancyOut,
             responses={409: {"description": "the dwelling has an open vacancy already"}})
def announce_vacancy(body: VacancyIn, caller: CorporationDep, bus: BusDep,
                     response: Response):
    """Announce a vacancy of one of your dwellings; publishes it with the dwelling's facts."""
    vacancy = bus.handle(c.AnnounceVacancy(caller.org, body.bag_id, body.available_from))
    response.headers["Location"] = _location(vacancy.id)
    return VacancyOut.of(vacancy)


@router.get("/vacancies", response_model=VacancyPage)
def list_vacancies(caller: CorporationDep, bus: BusDep, status: VacancyStatus | None = None,
                   page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
                   page_size: Annotated[int, Query(alias="pageSize", ge=1, le=500)] = 50):
    """Your vacancies, newest first, optionally with one status."""
    result = bus.handle(c.ListVacancies(caller.org, status, page, page_size))
    return VacancyPage(items=[VacancyOut.of(v) for v in result.items], page=result.page,
                       page_size=result.page_size, total=result.total)


@router.get("/vacancies/{id}", response_model=VacancyOut, responses=ANSWERS)
def read_vacancy(vacancy_id: VacancyId, caller: CorporationDep, bus: BusDep):
    """One of your vacancies."""
    return VacancyOut.of(bus.handle(c.ReadVacancy(caller.org, vacancy_id)))


@router.delete("/vacancies/{id}", response_model=VacancyOut, responses=ANSWERS)
def withdraw_vacancy(vacancy_id: VacancyId, caller: CorporationDep, bus: BusDep):
    """Withdraw an open vacancy; it stays readable with status withdrawn."""
    return VacancyOut.of(bus.handle(c.WithdrawVacancy(caller.org, vacancy_id)))


@router.post("/vacancies/{id}/lettings", status_code=201, response_model=VacancyOut,
             responses=ANSWERS)
def report_letting(vacancy_id: VacancyId, body: LettingIn, caller: CorporationDep,
                   bus: BusDep, response: Response):
    """Report a letting made outside the platform; it counts toward the period's lettings."""
    vacancy = bus.handle(c.ReportLetting(caller.org, vacancy_id, body.tenant_type,
                                         body.let_on))
    response.headers["Location"] = _location(vacancy.id)
    return VacancyOut.of(vacancy)
