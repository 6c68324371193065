"""Consumed events to Allocator commands.

Each translator turns one contract event into a command: a function of the aggregate that
returns the domain events it caused. Events with nothing for allocation to do are listed in
`NO_EFFECT` and never load the aggregate. The decision day of a vacancy is the Amsterdam date
of its announcement, not the clock's: replaying the topics then decides exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone

from services.allocation.domain import (
    Agreement,
    Allocator,
    Candidate,
    CategoryRule,
    DomainEvent,
    Letting,
    MunicipalityRef,
    MunicipalityTarget,
    Needs,
    Urgency,
    Vacancy,
)
from services.allocation.domain.allocator import (
    CANDIDATE_ERASED,
    URGENCY_REFUSED,
    URGENCY_REVOKED,
)
from shared.contracts import events as ev
from shared.contracts.periods import Period, today_amsterdam
from shared.messaging.consuming import Rejected

Command = Callable[[Allocator], list[DomainEvent]]

# Dwellings: every vacancy carries its dwelling's facts, so the stock itself is not needed.
# An application is not yet an urgency; an extension arrives as a grant with a later end.
NO_EFFECT: tuple[type[ev.Event], ...] = (ev.DwellingUpserted, ev.UrgencyApplied,
                                         ev.UrgencyLapsed)


def decision_day(moment: datetime) -> date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return today_amsterdam(aware)


def municipality(e: ev.MunicipalityUpserted) -> Command:
    ref = MunicipalityRef(code=e.code, region=e.region, province=e.province,
                          population=e.population, care_providers=tuple(e.care_providers),
                          name=e.name)
    return lambda a: a.upsert_municipality(ref)


def agreement(e: ev.AgreementPublished) -> Command:
    try:
        period = Period.parse(e.period)
    except ValueError as exc:
        raise Rejected(f"agreement {e.scope}:{e.period}: {exc}") from exc
    terms = Agreement(
        scope=e.scope, period=period, urgent_share=e.urgent_share, cap_share=e.cap_share,
        categories=tuple(CategoryRule(c.category, c.validity_days, c.lapse_after_refusals,
                                      c.lapse_after_unanswered) for c in e.categories),
        targets=tuple(MunicipalityTarget(t.municipality, t.target, t.expected_lettings, t.key,
                                         t.base_target, t.carry_over) for t in e.targets),
        version=e.version,
    )
    return lambda a: a.upsert_agreement(terms)


def candidate(e: ev.CandidateRegistered | ev.CandidateUpdated) -> Command:
    p = e.profile
    profile = Candidate(
        id=e.candidate_id, household_size=p.household_size, income_class=p.income_class,
        target_group=p.target_group, registration_municipality=p.registration_municipality,
        registered_by=p.registered_by,
        needs=Needs(p.needs.accessibility, p.needs.min_rooms, p.needs.ambulant_support,
                    p.needs.care_provider),
        preferred_municipalities=tuple(p.preferred_municipalities),
        excluded_municipalities=tuple(p.excluded_municipalities),
        region_binding=p.region_binding, available_from=p.available_from,
    )
    return lambda a: a.upsert_candidate(profile)


def urgency_granted(e: ev.UrgencyGranted) -> Command:
    urgency = Urgency(e.category, e.granted_on, e.valid_until, e.municipality)
    return lambda a: a.grant_urgency(e.candidate_id, urgency)


def urgency_extended(e: ev.UrgencyExtended) -> Command:
    def extend(a: Allocator) -> list[DomainEvent]:
        candidate = a.candidate(e.candidate_id)
        current = candidate.urgency if candidate else None
        if current is None or current.municipality != e.municipality:
            return []  # nothing granted here to extend (ended meanwhile)
        return a.grant_urgency(e.candidate_id, Urgency(current.category, current.granted_on,
                                                       e.valid_until, current.municipality))
    return extend


def urgency_expired(e: ev.UrgencyExpired) -> Command:
    return lambda a: a.expire_urgency(e.candidate_id, e.expired_on)


def urgency_refused(e: ev.UrgencyRefused) -> Command:
    return lambda a: a.end_urgency(e.candidate_id, e.refused_on, URGENCY_REFUSED)


def urgency_revoked(e: ev.UrgencyRevoked) -> Command:
    return lambda a: a.end_urgency(e.candidate_id, e.revoked_on, URGENCY_REVOKED)


def candidate_withdrawn(e: ev.CandidateWithdrawn) -> Command:
    return lambda a: a.withdraw_candidate(e.candidate_id, e.withdrawn_on)


def candidate_erased(e: ev.CandidateErased) -> Command:
    return lambda a: a.withdraw_candidate(e.candidate_id, e.erased_on, CANDIDATE_ERASED)


def vacancy_announced(e: ev.VacancyAnnounced) -> Command:
    d = e.dwelling
    vacancy = Vacancy(id=e.vacancy_id, bag_id=d.bag_id, municipality=d.municipality,
                      corporation=d.corporation, rooms=d.rooms, monthly_rent=d.monthly_rent,
                      accessibility=d.accessibility, available_from=e.available_from,
                      care_suitable=d.care_suitable)
    day = decision_day(e.announced_at)
    return lambda a: a.announce_vacancy(vacancy, day)


def vacancy_withdrawn(e: ev.VacancyWithdrawn) -> Command:
    return lambda a: a.withdraw_vacancy(e.vacancy_id, e.withdrawn_on)


def vacancy_let(e: ev.VacancyLet) -> Command:
    letting = Letting(e.vacancy_id, e.bag_id, e.municipality, e.corporation, e.tenant_type,
                      e.let_on)
    return lambda a: a.record_letting(letting)


TRANSLATORS: dict[type[ev.Event], Callable[..., Command]] = {
    ev.MunicipalityUpserted: municipality,
    ev.AgreementPublished: agreement,
    ev.CandidateRegistered: candidate,
    ev.CandidateUpdated: candidate,
    ev.UrgencyGranted: urgency_granted,
    ev.UrgencyExpired: urgency_expired,
    ev.UrgencyRefused: urgency_refused,
    ev.UrgencyRevoked: urgency_revoked,
    ev.UrgencyExtended: urgency_extended,
    ev.CandidateWithdrawn: candidate_withdrawn,
    ev.CandidateErased: candidate_erased,
    ev.VacancyAnnounced: vacancy_announced,
    ev.VacancyWithdrawn: vacancy_withdrawn,
    ev.VacancyLet: vacancy_let,
}


def command_for(event: ev.Event) -> Command | None:
    """The command for `event`, or None when allocation has nothing to do with it."""
    translate = TRANSLATORS.get(type(event))
    return None if translate is None else translate(event)


def candidate_touched(event: ev.Event) -> str | None:
    """A candidate whose profile changed: their proposals' read rows follow (care provider)."""
    if isinstance(event, ev.CandidateRegistered | ev.CandidateUpdated):
        return event.candidate_id
    return None
