"""What the API shows of a candidate (camelCase, ready for JSON).

Kept in the service layer because an idempotent replay must return the very body of the
first answer, and that body is stored in the same transaction as the candidate.
The BSN is shown masked (last three digits): the registering organisation knows the full
number already, and a full BSN in responses would spread it into browser caches and logs.
"""

from __future__ import annotations

from services.intake.domain.bsn import mask_bsn
from services.intake.domain.model import Candidate, NeedsSpec


def candidate_view(candidate: Candidate) -> dict:
    s, person, urgency = candidate.situation, candidate.person, candidate.urgency
    return {
        "id": candidate.id,
        "status": str(candidate.status),
        "registeredBy": candidate.registered_by,
        "registeredOn": candidate.registered_on.isoformat(),
        "person": None if person is None else {
            "bsnMasked": mask_bsn(person.bsn),
            "name": person.name,
            "birthYear": person.birth_year,
            "yearlyIncome": person.yearly_income,
        },
        "ageBand": str(candidate.age_band),
        "incomeClass": str(candidate.income_class),
        "householdSize": s.household_size,
        "targetGroup": str(s.target_group),
        "needs": needs_view(s.needs),
        "registrationMunicipality": s.registration_municipality,
        "preferredMunicipalities": list(s.preferred_municipalities),
        "excludedMunicipalities": list(s.excluded_municipalities),
        "regionBinding": s.region_binding,
        "availableFrom": _day(s.available_from),
        "urgency": None if urgency is None else {
            "status": str(urgency.status),
            "category": str(urgency.category),
            "municipality": urgency.municipality,
            "decidedOn": urgency.decided_on.isoformat(),
            "validUntil": _day(urgency.valid_until),
            "expiredOn": _day(urgency.expired_on),
        },
        "withdrawnOn": _day(candidate.withdrawn_on),
        "withdrawalReason": _text(candidate.withdrawal_reason),
        "housedOn": _day(candidate.housed_on),
        "erasedOn": _day(candidate.erased_on),
    }


def pseudonymous_view(candidate: Candidate) -> dict:
    """For a municipality's worklist: no personal data at all."""
    view = candidate_view(candidate)
    view["person"] = None
    return view


def needs_view(needs: NeedsSpec) -> dict:
    return {"accessibility": str(needs.accessibility), "minRooms": needs.min_rooms,
            "ambulantSupport": needs.ambulant_support, "careProvider": needs.care_provider}


def _text(value) -> str | None:
    return str(value) if value else None


def _day(value) -> str | None:
    return value.isoformat() if value else None
