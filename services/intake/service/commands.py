"""Commands and queries: what the entry points ask of the service layer.

`org` and `role` are the authenticated caller; `purpose` names the endpoint for the access
log of personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.intake.domain.errors import FieldError
from services.intake.domain.model import (
    CandidateStatus,
    Decision,
    Person,
    RevocationReason,
    Situation,
    WithdrawalReason,
)
from shared.contracts.vocabulary import TargetGroup


@dataclass(frozen=True)
class Caller:
    org: str
    role: str
    person_subject: str | None = None  # the person the portal acts for, if any
    person_email: str | None = None


@dataclass(frozen=True)
class RegisterCandidate:
    caller: Caller
    person: Person
    situation: Situation
    idempotency_key: str | None = None
    purpose: str = "POST /v1/candidates"
    registered_on: date | None = None  # recorded afterwards; None: today


@dataclass(frozen=True)
class ImportRow:
    """One CSV row after parsing: either the details, or the errors parsing found."""

    number: int
    person: Person | None = None
    situation: Situation | None = None
    errors: tuple[FieldError, ...] = ()


@dataclass(frozen=True)
class ImportCandidates:
    caller: Caller
    rows: tuple[ImportRow, ...]
    idempotency_key: str | None = None
    fingerprint_source: str = ""  # the raw file, for Idempotency-Key checks
    purpose: str = "POST /v1/candidate-imports"


@dataclass(frozen=True)
class ReadCandidate:
    caller: Caller
    candidate_id: str
    purpose: str = "GET /v1/candidates/{id}"


@dataclass(frozen=True)
class ListCandidates:
    caller: Caller
    page: int = 1
    page_size: int = 20
    status: CandidateStatus | None = None
    purpose: str = "GET /v1/candidates"


@dataclass(frozen=True)
class AmendCandidate:
    """Only the fields in `changes` change (merge-patch); keys are Person/Situation fields,
    with `needs` replaced as a whole."""

    caller: Caller
    candidate_id: str
    changes: dict = field(default_factory=dict)
    purpose: str = "PATCH /v1/candidates/{id}"


@dataclass(frozen=True)
class WithdrawCandidate:
    caller: Caller
    candidate_id: str
    reason: WithdrawalReason | None = None
    purpose: str = "POST /v1/candidates/{id}/withdrawal"


@dataclass(frozen=True)
class EraseCandidate:
    caller: Caller
    candidate_id: str
    purpose: str = "DELETE /v1/candidates/{id}"


@dataclass(frozen=True)
class DecideUrgency:
    caller: Caller  # a municipality: its org is its CBS code
    candidate_id: str
    decision: Decision
    category: TargetGroup | None  # required to grant or refuse; kept on revoke and extend
    valid_until: date | None = None
    reason: str | None = None
    reason_code: RevocationReason | None = None  # required to revoke
    article: str | None = None  # of the verordening the decision rests on
    purpose: str = "POST /v1/candidates/{id}/urgency-decisions"
    decided_on: date | None = None  # recorded afterwards; None: today


@dataclass(frozen=True)
class ApplyForUrgency:
    """By the registering care provider or care office, or the registration municipality."""

    caller: Caller
    candidate_id: str
    category: TargetGroup
    document_references: tuple[str, ...] = ()  # references only, never the documents
    purpose: str = "POST /v1/candidates/{id}/urgency-applications"


@dataclass(frozen=True)
class ExpireUrgencies:
    today: date | None = None  # None: today in Europe/Amsterdam
