"""The vacancy state machine, deterministic feed ids and the small input rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from services.registry.domain.rules import (
    AVAILABLE_FROM_WINDOW,
    bag_id_error,
    cbs_code_error,
    date_window_error,
    municipality_error,
)
from services.registry.domain.vacancies import (
    InvalidTransition,
    Vacancy,
    VacancySource,
    VacancyStatus,
    feed_vacancy_id,
    transition_event_id,
)
from shared.contracts.vocabulary import TenantType

DAY = date(2026, 3, 2)


def vacancy(**overrides) -> Vacancy:
    fields = dict(id="v1", bag_id="0014010011067299", corporation="lefier",
                  municipality="GM0014", available_from=DAY,
                  announced_at=datetime(2026, 3, 1, tzinfo=timezone.utc),
                  source=VacancySource.API)
    return Vacancy(**(fields | overrides))


def test_an_open_vacancy_is_withdrawn_or_let_once():
    open_vacancy = vacancy()
    withdrawn = open_vacancy.withdrawn(DAY)
    let = open_vacancy.let(TenantType.URGENT, DAY)

    assert open_vacancy.status is VacancyStatus.OPEN  # immutable: transitions return new ones
    assert (withdrawn.status, withdrawn.withdrawn_on) == (VacancyStatus.WITHDRAWN, DAY)
    assert (let.status, let.tenant_type, let.let_on) == (VacancyStatus.LET, "urgent", DAY)


@pytest.mark.parametrize("closed", [vacancy().withdrawn(DAY),
                                    vacancy().let(TenantType.REGULAR, DAY)])
def test_a_closed_vacancy_refuses_every_transition(closed):
    with pytest.raises(InvalidTransition) as raised:
        closed.withdrawn(DAY)
    assert raised.value.extra["vacancyStatus"] == str(closed.status)
    with pytest.raises(InvalidTransition):
        closed.let(TenantType.URGENT, DAY)


def test_feed_ids_are_deterministic_and_distinct():
    one = feed_vacancy_id("lefier", "0014010011067299", DAY)
    assert one == feed_vacancy_id("lefier", "0014010011067299", DAY)
    assert one != feed_vacancy_id("nijestee", "0014010011067299", DAY)
    assert one != feed_vacancy_id("lefier", "0014010011067299", date(2026, 3, 3))
    assert len({transition_event_id(one, what) for what in ("announced", "withdrawn", "let")}) == 3


@pytest.mark.parametrize("value, ok", [("0014010011067299", True), ("001401001106729", False),
                                       ("00140100110672990", False), ("0014O10011067299", False),
                                       ("", False)])
def test_bag_ids_have_16_digits(value, ok):
    assert (bag_id_error(value) is None) is ok


def test_municipality_codes():
    assert cbs_code_error("GM0014") is None
    assert cbs_code_error("gm0014") and cbs_code_error("0014")
    assert municipality_error("GM0014", frozenset({"GM0014"})) is None
    assert "unknown municipality GM0106" in municipality_error("GM0106", frozenset({"GM0014"}))


def test_date_windows():
    before, after = AVAILABLE_FROM_WINDOW
    assert date_window_error(DAY, DAY, AVAILABLE_FROM_WINDOW) is None
    assert date_window_error(DAY + timedelta(days=after), DAY, AVAILABLE_FROM_WINDOW) is None
    assert date_window_error(DAY + timedelta(days=after + 1), DAY, AVAILABLE_FROM_WINDOW)
    assert date_window_error(DAY - timedelta(days=before + 1), DAY, AVAILABLE_FROM_WINDOW)
    assert date_window_error(None, DAY, AVAILABLE_FROM_WINDOW) == "is required"
