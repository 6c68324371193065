"""Input rules of intake beyond types and ranges: elfproef, known places, urgency dates."""

from __future__ import annotations

from datetime import date, timedelta

from services.intake.domain.age import birth_year_problem
from services.intake.domain.bsn import bsn_problem
from services.intake.domain.errors import Collected, FieldError
from services.intake.domain.geography import Geography
from services.intake.domain.model import Decision, Person, Situation
from services.intake.domain.validity import Validity

# A sanity bound, not policy: catches a mistyped year (2062 for 2026) in validUntil.
MAX_URGENCY_VALIDITY = timedelta(days=5 * 366)


def person_errors(person: Person, today: date) -> list[FieldError]:
    found = Collected()
    found.add("bsn", bsn_problem(person.bsn))
    if person.name is not None and not person.name.strip():
        found.add("name", "must not be blank")
    if person.birth_year is not None:
        found.add("birthYear", birth_year_problem(person.birth_year, today.year))
    if person.yearly_income < 0:
        found.add("yearlyIncome", "must not be negative")
    return found.errors


def situation_errors(situation: Situation, geography: Geography) -> list[FieldError]:
    found = Collected()
    if situation.household_size < 1:
        found.add("householdSize", "must be at least 1")
    if not geography.is_municipality(situation.registration_municipality):
        found.add("registrationMunicipality", "is not a municipality of the province")
    for name, codes in (("preferredMunicipalities", situation.preferred_municipalities),
                        ("excludedMunicipalities", situation.excluded_municipalities)):
        for index, code in enumerate(codes):
            if not geography.is_municipality(code):
                found.add(f"{name}[{index}]", "is not a municipality of the province")
        if len(set(codes)) != len(codes):
            found.add(name, "lists a municipality twice")
    both = set(situation.preferred_municipalities) & set(situation.excluded_municipalities)
    if both:
        found.add("excludedMunicipalities", "a municipality cannot be preferred and excluded")
    if situation.region_binding is not None and not geography.is_scope(situation.region_binding):
        found.add("regionBinding", "must be 'province', a woondeal region or a CBS code")
    if situation.needs.min_rooms is not None and situation.needs.min_rooms < 1:
        found.add("needs.minRooms", "must be at least 1")
    return found.errors


def decision_errors(decision: Decision, category: object, valid_until: date | None,
                    reason_code: object) -> list[FieldError]:
    """Which fields each kind of decision needs, and which it must not have."""
    found = Collected()
    if decision in (Decision.GRANTED, Decision.REFUSED) and category is None:
        found.add("category", "is required to grant or refuse")
    if decision is Decision.REVOKED:
        found.add("reasonCode", None if reason_code else "is required to revoke")
        found.add("validUntil", None if valid_until is None else "a revocation has none")
    elif reason_code is not None:
        found.add("reasonCode", "only a revocation has one")
    if decision is Decision.EXTENDED and valid_until is None:
        found.add("validUntil", "is required to extend")
    return found.errors


def urgency_valid_until(decision: Decision, requested: date | None, today: date,
                        validity: Validity) -> date | None:
    """The last valid day of a decision; raises InvalidInput for impossible dates and for a
    validity longer than the agreement in force gives."""
    found = Collected()
    if decision is Decision.REFUSED:
        found.add("validUntil", None if requested is None else "only a granted urgency has one")
        found.raise_if_any()
        return None
    longest = validity.last_day(today)
    valid_until = requested or longest
    if valid_until <= today:
        found.add("validUntil", "must lie after the decision date")
    elif valid_until - today > MAX_URGENCY_VALIDITY:
        found.add("validUntil", "lies more than five years ahead")
    elif validity.from_agreement and valid_until > longest:
        found.add("validUntil", f"lies beyond the {validity.days} days the agreement in force "
                                f"gives this category (last day {longest.isoformat()})")
    found.raise_if_any()
    return valid_until


MAX_DECISION_AGE = timedelta(days=731)


def decision_date(requested: date | None, today: date, field: str = "decidedOn") -> date:
    """The date an urgency decision (or a registration) takes effect: today, or a date given
    because it is recorded afterwards (at most two years back, never in the future)."""
    if requested is None:
        return today
    found = Collected()
    if requested > today:
        found.add(field, "lies in the future")
    elif today - requested > MAX_DECISION_AGE:
        found.add(field, "lies more than two years back")
    found.raise_if_any()
    return requested
