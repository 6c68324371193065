"""From candidates to the event contracts of `shared.contracts.events`: the only way data leaves intake.

Built from the pseudonymous situation and the derived bands; `Person` is never read here.
"""

from __future__ import annotations

from datetime import date

from services.intake.domain.model import Candidate
from shared.contracts.events import (
    CandidateProfile,
    CandidateRegistered,
    CandidateUpdated,
    Needs,
)


def profile_of(candidate: Candidate) -> CandidateProfile:
    s = candidate.situation
    return CandidateProfile(
        age_band=candidate.age_band,
        household_size=s.household_size,
        income_class=candidate.income_class,
        target_group=s.target_group,
        needs=Needs(accessibility=s.needs.accessibility, min_rooms=s.needs.min_rooms,
                    ambulant_support=s.needs.ambulant_support,
                    care_provider=s.needs.care_provider),
        registration_municipality=s.registration_municipality,
        preferred_municipalities=list(s.preferred_municipalities),
        excluded_municipalities=list(s.excluded_municipalities),
        region_binding=s.region_binding,
        available_from=s.available_from,
        registered_by=candidate.registered_by,
    )


def registered(candidate: Candidate) -> CandidateRegistered:
    return CandidateRegistered(candidate_id=candidate.id, registered_on=candidate.registered_on,
                               profile=profile_of(candidate))


def updated(candidate: Candidate, today: date) -> CandidateUpdated:
    return CandidateUpdated(candidate_id=candidate.id, updated_on=today,
                            profile=profile_of(candidate))
