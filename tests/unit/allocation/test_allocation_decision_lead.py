"""Deciding a vacancy some days before the dwelling is free instead of when it is announced
(`AllocationPolicy.decision_lead_days`): held back until then, decided by `decide_due`, in
the order of the municipality furthest behind, and nothing held back is ever decided twice."""

from datetime import date, timedelta

from allocation_builders import (
    GRONINGEN,
    WESTERKWARTIER,
    agreement,
    allocator,
    candidate,
    target,
    vacancy,
)

from services.allocation.domain import (
    CandidateProposed,
    Letting,
    VacancyLabelled,
    VacancyStatus,
)
from shared.contracts.vocabulary import TenantType

DAY = date(2026, 3, 2)
LEAD = 17


def kinds(events) -> list[str]:
    return [type(e).__name__ for e in events]


def test_a_vacancy_free_later_than_the_lead_waits_for_its_decision_day():
    alloc = allocator(candidate("c-1"), decision_lead_days=LEAD)
    free_on = DAY + timedelta(days=30)
    assert alloc.announce_vacancy(vacancy("v-1", available_from=free_on), DAY) == []
    held = alloc.vacancy("v-1")
    assert held.status is VacancyStatus.OPEN and held.decided_on is None
    assert alloc.decide_due(free_on - timedelta(days=LEAD + 1)) == []

    decision_day = free_on - timedelta(days=LEAD)
    events = alloc.decide_due(decision_day)
    assert kinds(events) == ["VacancyLabelled", "CandidateProposed"]
    assert alloc.vacancy("v-1").decided_on == decision_day
    assert alloc.decide_due(decision_day) == [] and alloc.decide_due(free_on) == []
    assert alloc.invariant_violations() == []


def test_a_vacancy_free_within_the_lead_is_decided_when_announced():
    alloc = allocator(candidate("c-1"), decision_lead_days=LEAD)
    events = alloc.announce_vacancy(vacancy("v-1", available_from=DAY + timedelta(days=10)), DAY)
    assert kinds(events) == ["VacancyLabelled", "CandidateProposed"]


def test_without_a_lead_every_vacancy_is_decided_when_announced():
    alloc = allocator(candidate("c-1"))
    events = alloc.announce_vacancy(vacancy("v-1", available_from=DAY + timedelta(days=60)), DAY)
    assert kinds(events) == ["VacancyLabelled", "CandidateProposed"]


def test_the_household_gets_the_dwelling_that_is_free_first():
    alloc = allocator(candidate("c-1"), decision_lead_days=LEAD)
    alloc.announce_vacancy(vacancy("v-late", available_from=DAY + timedelta(days=35)), DAY)
    alloc.announce_vacancy(vacancy("v-soon", bag_id="0014010011060002",
                                   available_from=DAY + timedelta(days=20)), DAY + timedelta(1))
    proposed = []
    for offset in range(40):
        proposed += [e.vacancy_id for e in alloc.decide_due(DAY + timedelta(days=offset))
                     if isinstance(e, CandidateProposed)]
    assert proposed == ["v-soon"]  # decided first; v-late finds no candidate left


def test_held_back_vacancies_due_together_go_to_the_municipality_furthest_behind():
    alloc = allocator(candidate("c-1"), decision_lead_days=LEAD, agreement_=agreement(
        (target(GRONINGEN, 2, 100), target(WESTERKWARTIER, 10, 40))))
    free_on = DAY + timedelta(days=30)
    for vac in (vacancy("v-g", municipality=GRONINGEN, available_from=free_on),
                vacancy("v-w", municipality=WESTERKWARTIER, available_from=free_on)):
        assert alloc.announce_vacancy(vac, DAY) == []
    events = alloc.decide_due(free_on - timedelta(days=LEAD))
    assert [e.vacancy_id for e in events if isinstance(e, CandidateProposed)] == ["v-w"]
    labels = {e.vacancy_id: e.labelled for e in events if isinstance(e, VacancyLabelled)}
    assert labels == {"v-w": True, "v-g": False}


def test_a_held_back_vacancy_let_or_withdrawn_meanwhile_is_never_decided():
    alloc = allocator(candidate("c-1"), decision_lead_days=LEAD)
    free_on = DAY + timedelta(days=30)
    alloc.announce_vacancy(vacancy("v-let", available_from=free_on), DAY)
    alloc.announce_vacancy(vacancy("v-gone", bag_id="0014010011060002", available_from=free_on),
                           DAY)
    alloc.record_letting(Letting("v-let", "0014010011067299", GRONINGEN, "lefier",
                                 TenantType.REGULAR, DAY + timedelta(days=3)))
    alloc.withdraw_vacancy("v-gone", DAY + timedelta(days=3))
    assert alloc.decide_due(free_on) == []
    assert alloc.vacancy("v-let").status is VacancyStatus.LET
    assert alloc.vacancy("v-gone").status is VacancyStatus.WITHDRAWN
    assert alloc.fair_share(GRONINGEN, DAY).lettings_so_far == 1
    assert alloc.invariant_violations() == []


# --- through the service layer: settings, the worker's timer command, SQLite ----------------


def test_the_worker_timer_command_decides_held_back_vacancies_once(tmp_path):
    from allocation_service_helpers import ANNOUNCED, Harness, Scenario

    from services.allocation.service import commands as c

    harness = Harness.create(f"sqlite:///{tmp_path / 'allocation.db'}", tmp_path,
                             decision_lead_days=LEAD)
    try:
        scenario = Scenario()
        free_on = ANNOUNCED.date() + timedelta(days=30)
        announced = scenario.vacancy("v-1").model_copy(update={"available_from": free_on})
        harness.feed(*scenario.setup("c-1"), announced)
        assert harness.proposals() == []

        decision_day = free_on - timedelta(days=LEAD)
        assert harness.bus.handle(c.DecideDueVacancies(decision_day - timedelta(days=1))) == 0
        assert harness.bus.handle(c.DecideDueVacancies(decision_day)) == 2  # label, proposal
        assert harness.bus.handle(c.DecideDueVacancies(decision_day)) == 0
        [row] = harness.proposals()
        assert (row.vacancy_id, row.status, row.proposed_on) == ("v-1", "open", decision_day)
    finally:
        harness.close()
