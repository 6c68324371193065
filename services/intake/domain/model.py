"""The candidate: a client of a care provider or the care office, waiting for a home.

Personal data (`Person`) and the pseudonymous situation (`Situation`) are kept apart: only
the second, with the bands derived from the first, may leave intake.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from services.intake.domain.age import age_band
from services.intake.domain.errors import Conflict
from services.intake.domain.income import IncomeLimits
from shared.contracts.vocabulary import Accessibility, AgeBand, IncomeClass, TargetGroup


class CandidateStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    HOUSED = "housed"
    ERASED = "erased"


class UrgencyStatus(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"
    EXPIRED = "expired"
    REVOKED = "revoked"
    LAPSED = "lapsed"


class Decision(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"
    REVOKED = "revoked"
    EXTENDED = "extended"


class RevocationReason(StrEnum):
    """Why a municipality revokes a granted urgency: a closed list, since the code travels
    on intake.candidates.v1 (free text would carry personal details)."""

    NO_LONGER_ELIGIBLE = "no-longer-eligible"
    INCORRECT_INFORMATION = "incorrect-information"
    SITUATION_RESOLVED = "situation-resolved"
    MOVED_AWAY = "moved-away"
    OTHER = "other"


class WithdrawalReason(StrEnum):
    """A closed list on purpose: a free-text reason would carry personal details into events."""

    HOUSED_ELSEWHERE = "housed-elsewhere"
    MOVED_AWAY = "moved-away"
    NO_LONGER_ELIGIBLE = "no-longer-eligible"
    NO_LONGER_NEEDED = "no-longer-needed"
    NO_CONTACT = "no-contact"
    DECEASED = "deceased"
    OTHER = "other"


@dataclass(frozen=True)
class Person:
    """Personal data: encrypted at rest, never in events or logs."""

    bsn: str
    name: str | None
    birth_year: int | None
    yearly_income: float


@dataclass(frozen=True)
class NeedsSpec:
    accessibility: Accessibility = Accessibility.GEEN
    min_rooms: int | None = None
    ambulant_support: bool = False
    care_provider: str | None = None


@dataclass(frozen=True)
class Situation:
    """What the candidate needs and wants; pseudonymous."""

    household_size: int
    target_group: TargetGroup
    needs: NeedsSpec
    registration_municipality: str
    preferred_municipalities: tuple[str, ...] = ()
    excluded_municipalities: tuple[str, ...] = ()
    region_binding: str | None = None
    available_from: date | None = None


@dataclass(frozen=True)
class Urgency:
    status: UrgencyStatus
    category: TargetGroup
    municipality: str
    decided_on: date
    valid_until: date | None = None
    expired_on: date | None = None


@dataclass
class Candidate:
    id: str
    registered_by: str
    registered_on: date
    person: Person | None
    pseudonym: str | None  # keyed hash of the BSN while the candidate is active, else None
    situation: Situation
    age_band: AgeBand
    income_class: IncomeClass
    status: CandidateStatus = CandidateStatus.ACTIVE
    urgency: Urgency | None = None
    withdrawn_on: date | None = None
    withdrawal_reason: WithdrawalReason | None = None
    housed_on: date | None = None
    erased_on: date | None = None

    @classmethod
    def register(cls, *, candidate_id: str, registered_by: str, today: date, person: Person,
                 situation: Situation, pseudonym: str, limits: IncomeLimits) -> "Candidate":
        candidate = cls(
            id=candidate_id, registered_by=registered_by, registered_on=today, person=person,
            pseudonym=pseudonym, situation=situation, age_band=AgeBand.UNKNOWN,
            income_class=IncomeClass.PASSEND,
        )
        candidate.refresh_bands(today.year, limits)
        return candidate

    @property
    def is_active(self) -> bool:
        return self.status is CandidateStatus.ACTIVE

    def refresh_bands(self, year: int, limits: IncomeLimits) -> None:
        """Derive age band and income class from the personal data (while we still have it)."""
        if self.person is None:
            return
        self.age_band = age_band(self.person.birth_year, year)
        self.income_class = limits.classify(
            self.person.yearly_income, self.situation.household_size, year
        )

    def require_active(self, action: str) -> None:
        if not self.is_active:
            raise Conflict(f"A {self.status} candidate cannot be {action}.", "not-active",
                           candidateStatus=str(self.status))

    def amend(self, *, person: Person, situation: Situation, today: date,
              limits: IncomeLimits) -> bool:
        """Apply changed details; True when what other services see has changed."""
        self.require_active("changed")
        before = self.profile_facts()
        self.person = person
        self.situation = situation
        self.refresh_bands(today.year, limits)
        return self.profile_facts() != before

    def profile_facts(self) -> tuple:
        return (self.situation, self.age_band, self.income_class)

    def withdraw(self, reason: WithdrawalReason | None, today: date) -> None:
        self.require_active("withdrawn")
        self.status = CandidateStatus.WITHDRAWN
        self.withdrawn_on = today
        self.withdrawal_reason = reason
        self.pseudonym = None  # the person may be registered again later

    def mark_housed(self, day: date) -> bool:
        """A placement reported by allocation; False when there was nothing to change."""
        if not self.is_active:
            return False
        self.status = CandidateStatus.HOUSED
        self.housed_on = day
        self.pseudonym = None  # re-entry after a failed tenancy is a new registration
        return True

    def erase(self, today: date) -> bool:
        """Forget the person; the pseudonymous history stays. False when already erased."""
        if self.status is CandidateStatus.ERASED:
            return False
        if self.status is CandidateStatus.ACTIVE:
            raise Conflict("Withdraw the candidate before erasing their personal data.",
                           "still-active")
        self.status = CandidateStatus.ERASED
        self.erased_on = today
        self.person = None
        self.pseudonym = None
        return True

    def decide_urgency(self, *, decision: Decision, category: TargetGroup, municipality: str,
                       today: date, valid_until: date | None) -> Urgency:
        """A municipality's decision; a later decision replaces an earlier one."""
        self.require_active("given an urgency decision")
        if decision is Decision.GRANTED:
            self.urgency = Urgency(UrgencyStatus.GRANTED, category, municipality, today,
                                   valid_until)
        else:
            self.urgency = Urgency(UrgencyStatus.REFUSED, category, municipality, today)
        return self.urgency

    def revoke_urgency(self, today: date) -> Urgency:
        """Ends a granted urgency; the current one, revoked, is returned."""
        granted = self._granted_urgency("revoked")
        self.urgency = replace(granted, status=UrgencyStatus.REVOKED)
        return self.urgency

    def extend_urgency(self, valid_until: date) -> Urgency:
        """A later last valid day for the granted urgency (never an earlier one)."""
        granted = self._granted_urgency("extended")
        if granted.valid_until is not None and valid_until <= granted.valid_until:
            raise Conflict("An extension must end after the current last valid day.",
                           "not-an-extension", validUntil=granted.valid_until.isoformat())
        self.urgency = replace(granted, valid_until=valid_until)
        return self.urgency

    def record_lapse(self, today: date) -> bool:
        """Allocation ended the urgency under the lapse rule; False when nothing changed."""
        if self.urgency is None or self.urgency.status is not UrgencyStatus.GRANTED:
            return False
        self.urgency = replace(self.urgency, status=UrgencyStatus.LAPSED)
        return True

    def _granted_urgency(self, action: str) -> Urgency:
        self.require_active(f"given an urgency {action}")
        if self.urgency is None or self.urgency.status is not UrgencyStatus.GRANTED:
            raise Conflict(f"Only a granted urgency can be {action}.", "no-granted-urgency")
        return self.urgency

    def urgency_lapsed(self, today: date) -> bool:
        """Granted urgency whose last valid day (an Amsterdam date) lies before `today`."""
        urgency = self.urgency
        return (self.is_active and urgency is not None
                and urgency.status is UrgencyStatus.GRANTED
                and urgency.valid_until is not None and urgency.valid_until < today)

    def expire_urgency(self, today: date) -> bool:
        """Dated the first day the urgency was no longer valid, not the day the check ran:
        a check that comes late (the service was down, a year recorded afterwards) dates the
        expiry where it belongs."""
        if not self.urgency_lapsed(today):
            return False
        assert self.urgency is not None and self.urgency.valid_until is not None
        self.urgency = replace(self.urgency, status=UrgencyStatus.EXPIRED,
                               expired_on=self.urgency.valid_until + timedelta(days=1))
        return True
