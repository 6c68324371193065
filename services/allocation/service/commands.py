"""What the API (and the expiry timer) ask of the service layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.allocation.domain import CancellationReason, Decision
from shared.auth import Caller
from shared.contracts.vocabulary import DecidedBy


@dataclass(frozen=True)
class ListProposals:
    caller: Caller
    status: str | None = None
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True)
class ReadProposal:
    caller: Caller
    proposal_id: str


@dataclass(frozen=True)
class RespondToProposal:
    caller: Caller
    proposal_id: str
    decision: Decision
    decided_by: DecidedBy
    reason_code: str | None = None  # from shared/contracts/decline_reasons.json, for decided_by
    note: str | None = None  # stays in allocation's database; only the parties read it
    on: date | None = None  # reported afterwards; None: today in Amsterdam


@dataclass(frozen=True)
class ListDeclineReasons:
    pass


@dataclass(frozen=True)
class ReportMoveIn:
    caller: Caller
    proposal_id: str
    move_in_date: date


@dataclass(frozen=True)
class CancelProposal:
    caller: Caller
    proposal_id: str
    reason_code: CancellationReason


@dataclass(frozen=True)
class AssessCandidate:
    caller: Caller
    vacancy_id: str
    candidate_id: str


@dataclass(frozen=True)
class ListPlacements:
    caller: Caller
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True)
class ReadPlacement:
    caller: Caller
    placement_id: str


@dataclass(frozen=True)
class ExpireDueProposals:
    today: date | None = None  # None: today in Amsterdam


@dataclass(frozen=True)
class DecideDueVacancies:
    today: date | None = None  # None: today in Amsterdam
