"""Monitoring read models, built by applying events one by one.

`MonitoringModel.apply(event, event_id)` is the only way in: the typed event of
shared/contracts/events.py, as `shared.contracts.envelope.decode` gave it (no second parse
here), dispatched on its class. It is idempotent per event id (an id seen before changes
nothing) and, as far as the events allow, also per natural key
(a letting is stored per vacancy id, a placement per placement id, a proposal per proposal id,
a flow per (kind, candidate, date)), so a duplicate republished under a new id changes nothing
either. Applying the same events in the same order always gives the same state
(`snapshot()`), and every query is a pure function of that state.

Definitions (see also the module docstrings of bands, stats and disclosure):

- Letting: a CandidatePlaced (an urgent move-in, dated by its move-in date) or a VacancyLet
  reported by a corporation (dated by let_on). One vacancy counts at most once: a placement
  replaces a corporation letting of the same vacancy id; a VacancyLet after a placement of the
  same vacancy is ignored (the platform placement is the richer record).
- Realised (per municipality and period): urgent lettings (placements plus VacancyLet with
  tenantType urgent) dated in the agreement's period, in dwellings in that municipality.
  Lettings seen: all lettings (urgent and regular) in the same window.
- Expected-to-date: target * min(1, lettings seen / expected lettings of the municipality);
  when the agreement gives the municipality no expected lettings (0), or BandPolicy.basis is
  "time", target * the elapsed fraction of the period at `as_of` (default: the latest
  business date seen in any event, so a rebuild gives the same numbers).
- Per target group there are no targets (agreements set one target per municipality), so
  target-group rows carry realised counts only. A VacancyLet has no target group: it counts
  under "onbekend".
- Flows are counted per month of the business date, in the candidate's list municipality
  (the municipality that granted urgency, else the registration municipality; for a
  placement, its origin municipality):
  registered (first registration of a candidate), urgency-granted (every grant, renewals
  included), urgency-refused, expired, withdrawn, housed (placement) and returned: a candidate
  who was housed or withdrawn and is then registered again or granted urgency again. A return
  is counted instead of a new registration; an urgency re-granted after expiry is a renewal,
  not a return.
- Waiting time: days from urgency granted (the placement's urgencyGrantedOn, else the last
  grant seen for the candidate) to move-in, by destination municipality (or origin, on
  request), counted in the period of the move-in.
- Proposal funnel: counted by the period of the proposal date; each proposal counts once per
  step it reached (proposed, accepted, declined by corporation / candidate with the reason,
  expired, placed); open = neither declined, expired nor placed.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Mapping

from services.monitoring.domain import by_name, decision_times
from services.monitoring.domain.bands import (
    DEFAULT_POLICY,
    BandPolicy,
    ExpectedBasis,
    Status,
    classify,
    expected_to_date,
)
from services.monitoring.domain.state import (
    AgreementRecord,
    DwellingRecord,
    MunicipalityRecord,
    RejectedEvent,
    agreement_of,
    amsterdam_day,
    dwelling_of,
    municipality_of,
)
from services.monitoring.domain.stats import percentile
from shared.contracts import events as ev
from shared.contracts.decline_reasons import decline_reasons
from shared.contracts.periods import Period
from shared.contracts.vocabulary import PROVINCE_SCOPE, Accessibility, TenantType, is_cbs_code

ALL = "all"
UNKNOWN_GROUP = "onbekend"
UNKNOWN_REGION = "onbekend"


class UnknownScope(LookupError):
    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(f"unknown scope {scope!r}: use 'province', a region id or a CBS code")


class FlowKind(StrEnum):
    REGISTERED = "registered"
    URGENCY_GRANTED = "urgency-granted"
    URGENCY_REFUSED = "urgency-refused"
    HOUSED = "housed"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return FLOW_LABELS_NL[self]


FLOW_LABELS_NL = {
    FlowKind.REGISTERED: "nieuw aangemeld",
    FlowKind.URGENCY_GRANTED: "urgentie toegekend",
    FlowKind.URGENCY_REFUSED: "urgentie afgewezen",
    FlowKind.HOUSED: "gehuisvest",
    FlowKind.WITHDRAWN: "afgemeld",
    FlowKind.EXPIRED: "urgentie verlopen",
    FlowKind.RETURNED: "teruggekeerd",
}


class CandidateStatus(StrEnum):
    REGISTERED = "registered"
    URGENT = "urgent"
    REFUSED = "refused"
    EXPIRED = "expired"
    HOUSED = "housed"
    WITHDRAWN = "withdrawn"


EXIT_STATUSES = frozenset({CandidateStatus.HOUSED, CandidateStatus.WITHDRAWN})


class VacancyStatus(StrEnum):
    OPEN = "open"
    WITHDRAWN = "withdrawn"
    LET = "let"
    PLACED = "placed"


# --- state records ------------------------------------------------------------------------


@dataclass
class CandidateState:
    candidate_id: str
    status: CandidateStatus
    target_group: str
    municipality: str  # list municipality: urgency municipality, else registration
    last_granted_on: date | None = None


@dataclass(frozen=True)
class Letting:
    vacancy_id: str
    municipality: str
    on: date
    urgent: bool
    target_group: str | None
    source: str  # "placement" | "corporation"
    corporation: str | None = None


@dataclass
class VacancyState:
    vacancy_id: str
    bag_id: str | None
    municipality: str
    corporation: str | None
    accessibility: str | None
    announced_on: date | None
    status: VacancyStatus
    closed_on: date | None = None


@dataclass
class ProposalState:
    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    target_group: str | None = None
    corporation: str | None = None
    proposed_on: date | None = None
    expires_on: date | None = None
    accepted_on: date | None = None
    declined_on: date | None = None
    declined_by: str | None = None
    decline_reason: str | None = None
    expired_on: date | None = None
    placed_on: date | None = None
    closed_on: date | None = None  # withdrawn or cancelled by the platform
    close_reason: str | None = None

    @property
    def first_date(self) -> date | None:
        for value in (self.proposed_on, self.accepted_on, self.declined_on, self.expired_on,
                      self.placed_on):
            if value is not None:
                return value
        return None

    @property
    def is_open(self) -> bool:
        return (self.declined_on is None and self.expired_on is None
                and self.placed_on is None and self.closed_on is None)


@dataclass(frozen=True)
class FlowRecord:
    kind: FlowKind
    candidate_id: str
    on: date
    municipality: str
    target_group: str


@dataclass(frozen=True)
class WaitRecord:
    placement_id: str
    candidate_id: str
    municipality: str  # destination
    origin_municipality: str | None
    target_group: str
    granted_on: date | None
    move_in: date

    @property
    def days(self) -> int | None:
        if self.granted_on is None or self.granted_on > self.move_in:
            return None
        return (self.move_in - self.granted_on).days


# --- result rows --------------------------------------------------------------------------


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


@dataclass(frozen=True)
class RealisationRow:
    level: str  # "municipality" | "region" | "scope"
    scope_id: str  # CBS code, region id, or the requested scope
    name: str | None
    period: str
    target_group: str  # ALL or a target group
    agreement_scope: str | None = None
    agreement_version: int | None = None
    target: int | None = None
    base_target: int | None = None
    carry_over: int | None = None
    realised: int = 0
    lettings_seen: int = 0
    expected_lettings: float | None = None
    expected_to_date: float | None = None
    lag: float | None = None
    tolerance: float | None = None
    status: Status | None = None
    expected_basis: str | None = None

    @property
    def municipality(self) -> str | None:
        return self.scope_id if self.level == "municipality" else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "scope": self.scope_id,
            "municipality": self.municipality,
            "name": self.name,
            "period": self.period,
            "targetGroup": self.target_group,
            "agreementScope": self.agreement_scope,
            "agreementVersion": self.agreement_version,
            "target": self.target,
            "baseTarget": self.base_target,
            "carryOver": self.carry_over,
            "realised": self.realised,
            "lettingsSeen": self.lettings_seen,
            "expectedLettings": _r(self.expected_lettings),
            "expectedToDate": _r(self.expected_to_date),
            "lag": _r(self.lag),
            "tolerance": _r(self.tolerance),
            "status": None if self.status is None else self.status.value,
            "statusLabel": None if self.status is None else self.status.label,
            "expectedBasis": self.expected_basis,
        }


@dataclass(frozen=True)
class RealisationReport:
    period: str
    scope: str
    as_of: date | None
    municipalities: tuple[RealisationRow, ...]
    by_target_group: tuple[RealisationRow, ...]
    regions: tuple[RealisationRow, ...]
    total: RealisationRow

    def rows(self) -> list[RealisationRow]:
        return [*self.municipalities, *self.regions, self.total, *self.by_target_group]

    def row(self, code: str) -> RealisationRow:
        for row in self.municipalities:
            if row.scope_id == code:
                return row
        raise KeyError(code)

    def statuses(self) -> dict[str, Status | None]:
        return {row.scope_id: row.status for row in self.municipalities}

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "scope": self.scope,
            "asOf": None if self.as_of is None else self.as_of.isoformat(),
            "municipalities": [r.to_dict() for r in self.municipalities],
            "regions": [r.to_dict() for r in self.regions],
            "total": self.total.to_dict(),
            "byTargetGroup": [r.to_dict() for r in self.by_target_group],
        }


@dataclass(frozen=True)
class SeriesPoint:
    on: date
    target: int | None
    realised: int
    lettings_seen: int
    expected_to_date: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.on.isoformat(), "target": self.target, "realised": self.realised,
                "lettingsSeen": self.lettings_seen,
                "expectedToDate": _r(self.expected_to_date)}


@dataclass(frozen=True)
class FlowRow:
    month: str  # YYYY-MM
    municipality: str  # CBS code or ALL
    target_group: str  # group or ALL
    counts: Mapping[str, int]

    def count(self, kind: FlowKind | str) -> int:
        return self.counts.get(FlowKind(kind).value, 0)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"month": self.month, "municipality": self.municipality,
                               "targetGroup": self.target_group}
        for kind in FlowKind:
            out[_camel(kind.value)] = self.counts.get(kind.value, 0)
        return out


@dataclass(frozen=True)
class WaitingTimeRow:
    municipality: str  # CBS code or ALL
    target_group: str  # group or ALL
    count: int  # placements with a known waiting time
    median_days: float | None
    p90_days: float | None
    mean_days: float | None
    unknown: int  # placements without a (valid) urgency date

    def to_dict(self) -> dict[str, Any]:
        return {"municipality": self.municipality, "targetGroup": self.target_group,
                "count": self.count, "medianDays": _r(self.median_days, 1),
                "p90Days": _r(self.p90_days, 1), "meanDays": _r(self.mean_days, 1),
                "unknown": self.unknown}


@dataclass(frozen=True)
class FunnelRow:
    municipality: str  # CBS code or ALL
    target_group: str
    proposed: int
    accepted: int
    declined: int
    declined_by_corporation: int
    declined_by_candidate: int
    expired: int
    placed: int
    open: int
    decline_reasons: tuple[tuple[str, str, int], ...]  # (decided_by, reason code, count)

    def to_dict(self) -> dict[str, Any]:
        return {
            "municipality": self.municipality, "targetGroup": self.target_group,
            "proposed": self.proposed, "accepted": self.accepted, "declined": self.declined,
            "declinedByCorporation": self.declined_by_corporation,
            "declinedByCandidate": self.declined_by_candidate,
            "expired": self.expired, "placed": self.placed, "open": self.open,
            "declineReasons": [{"decidedBy": by, "reasonCode": code,
                                "label": decline_reasons().label(by, code), "count": n}
                               for by, code, n in self.decline_reasons],
        }


@dataclass(frozen=True)
class StockRow:
    municipality: str  # CBS code or ALL
    name: str | None
    dwellings: int
    by_accessibility: Mapping[str, int]
    care_suitable: int
    open_vacancies: int
    vacancies_announced: int  # in the period (all time without a period)
    vacancies_withdrawn: int
    lettings: int
    urgent_lettings: int
    regular_lettings: int

    def to_dict(self) -> dict[str, Any]:
        return {"municipality": self.municipality, "name": self.name,
                "dwellings": self.dwellings, "byAccessibility": dict(self.by_accessibility),
                "careSuitable": self.care_suitable, "openVacancies": self.open_vacancies,
                "vacanciesAnnounced": self.vacancies_announced,
                "vacanciesWithdrawn": self.vacancies_withdrawn, "lettings": self.lettings,
                "urgentLettings": self.urgent_lettings,
                "regularLettings": self.regular_lettings}


@dataclass(frozen=True)
class StalledProposal:
    proposal_id: str
    vacancy_id: str
    municipality: str
    proposed_on: date
    open_days: int
    accepted: bool

    def event_data(self, scope: str) -> dict[str, Any]:
        """camelCase data of a `monitoring.proposal-stalled` event."""
        return {"scope": scope, "proposalId": self.proposal_id, "vacancyId": self.vacancy_id,
                "municipality": self.municipality, "openDays": self.open_days}


@dataclass(frozen=True)
class StalledAcceptance:
    """An accepted proposal still without a move-in."""

    proposal_id: str
    vacancy_id: str
    municipality: str
    accepted_on: date
    accepted_days: int

    def event_data(self, scope: str) -> dict[str, Any]:
        """camelCase data of a `monitoring.accepted-proposal-stalled` event."""
        return {"scope": scope, "proposalId": self.proposal_id, "vacancyId": self.vacancy_id,
                "municipality": self.municipality, "acceptedOn": self.accepted_on.isoformat(),
                "acceptedDays": self.accepted_days}


def _camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(part.title() for part in rest)


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _months(period: Period) -> list[str]:
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append(_month(day))
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def _period(label: str | None) -> Period | None:
    return None if label is None else Period.parse(label)


# --- the model ----------------------------------------------------------------------------


class MonitoringModel:
    """All monitoring read models, fed by `apply` (see the module docstring)."""

    def __init__(self) -> None:
        self.processed: set[str] = set()
        self.clock: date | None = None  # latest business date seen
        self.municipalities: dict[str, MunicipalityRecord] = {}
        self.dwellings: dict[str, DwellingRecord] = {}
        self.vacancies: dict[str, VacancyState] = {}
        self.lettings: dict[str, Letting] = {}  # vacancy id -> letting
        self.agreements: dict[tuple[str, str], dict[int, AgreementRecord]] = {}
        self.candidates: dict[str, CandidateState] = {}
        self.flows: dict[tuple[str, str, date], FlowRecord] = {}
        self.waits: dict[str, WaitRecord] = {}
        self.proposals: dict[str, ProposalState] = {}
        self.by_name = by_name.ByNameList()
        self.decisions = decision_times.DecisionTimes()

    # --- applying events ------------------------------------------------------------------

    def apply(self, event: ev.Event, event_id: str) -> bool:
        """Apply one typed event (as `shared.contracts.envelope.decode` gives it). False if
        `event_id` was applied before (nothing changes).

        Raises RejectedEvent without changing any state when the domain cannot apply it;
        the caller sends it to the DLQ. Event types monitoring does not read change nothing.
        """
        if not event_id:
            raise RejectedEvent("id", "an event id is needed for idempotency")
        if event_id in self.processed:
            return False
        handler = self._HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event)
        self.processed.add(event_id)
        return True

    def _tick(self, *days: date | None) -> None:
        for day in days:
            if day is not None and (self.clock is None or day > self.clock):
                self.clock = day

    def _on_municipality(self, event: ev.MunicipalityUpserted) -> None:
        self.municipalities[event.code] = municipality_of(event)

    def _on_dwelling(self, event: ev.DwellingUpserted) -> None:
        dwelling = dwelling_of(event.dwelling)
        self.dwellings[dwelling.bag_id] = dwelling

    def _on_vacancy_announced(self, event: ev.VacancyAnnounced) -> None:
        announced_on = amsterdam_day(event.announced_at)
        self._tick(announced_on)
        dwelling = dwelling_of(event.dwelling)
        self.dwellings[dwelling.bag_id] = dwelling
        existing = self.vacancies.get(event.vacancy_id)
        self.vacancies[event.vacancy_id] = VacancyState(
            vacancy_id=event.vacancy_id, bag_id=dwelling.bag_id,
            municipality=dwelling.municipality, corporation=dwelling.corporation,
            accessibility=dwelling.accessibility, announced_on=announced_on,
            status=existing.status if existing else VacancyStatus.OPEN,
            closed_on=existing.closed_on if existing else None,
        )

    def _vacancy(self, vacancy_id: str, bag_id: str | None, municipality: str,
                 corporation: str | None) -> VacancyState:
        vacancy = self.vacancies.get(vacancy_id)
        if vacancy is None:
            dwelling = self.dwellings.get(bag_id) if bag_id else None
            vacancy = VacancyState(vacancy_id, bag_id, municipality, corporation,
                                   dwelling.accessibility if dwelling else None, None,
                                   VacancyStatus.OPEN)
            self.vacancies[vacancy_id] = vacancy
        return vacancy

    def _on_vacancy_withdrawn(self, event: ev.VacancyWithdrawn) -> None:
        self._tick(event.withdrawn_on)
        vacancy = self._vacancy(event.vacancy_id, event.bag_id, event.municipality,
                                event.corporation)
        if vacancy.status == VacancyStatus.OPEN:
            vacancy.status, vacancy.closed_on = VacancyStatus.WITHDRAWN, event.withdrawn_on

    def _on_vacancy_let(self, event: ev.VacancyLet) -> None:
        self._tick(event.let_on)
        vacancy = self._vacancy(event.vacancy_id, event.bag_id, event.municipality,
                                event.corporation)
        if vacancy.status != VacancyStatus.PLACED:
            vacancy.status, vacancy.closed_on = VacancyStatus.LET, event.let_on
        current = self.lettings.get(event.vacancy_id)
        if current is None or current.source != "placement":
            self.lettings[event.vacancy_id] = Letting(
                vacancy_id=event.vacancy_id, municipality=event.municipality, on=event.let_on,
                urgent=event.tenant_type == TenantType.URGENT, target_group=None,
                source="corporation", corporation=event.corporation)

    def _on_agreement(self, event: ev.AgreementPublished) -> None:
        agreement = agreement_of(event)
        self.agreements.setdefault((agreement.scope, agreement.period), {})[
            agreement.version] = agreement

    def _flow(self, kind: FlowKind, candidate_id: str, on: date, municipality: str,
              group: str) -> None:
        key = (kind.value, candidate_id, on)
        if key not in self.flows:
            self.flows[key] = FlowRecord(kind, candidate_id, on, municipality, group)

    def _on_registered(self, event: ev.CandidateRegistered) -> None:
        self._tick(event.registered_on)
        cid, on = event.candidate_id, event.registered_on
        group = event.profile.target_group.value
        municipality = event.profile.registration_municipality
        candidate = self.candidates.get(cid)
        if candidate is None:
            self.candidates[cid] = CandidateState(cid, CandidateStatus.REGISTERED, group,
                                                  municipality)
            self._flow(FlowKind.REGISTERED, cid, on, municipality, group)
            return
        candidate.target_group = group
        if candidate.status in EXIT_STATUSES:
            candidate.status = CandidateStatus.REGISTERED
            candidate.municipality = municipality
            self._flow(FlowKind.RETURNED, cid, on, municipality, group)

    def _on_updated(self, event: ev.CandidateUpdated) -> None:
        self._tick(event.updated_on)
        group = event.profile.target_group.value
        candidate = self.candidates.get(event.candidate_id)
        if candidate is None:
            self.candidates[event.candidate_id] = CandidateState(
                event.candidate_id, CandidateStatus.REGISTERED, group,
                event.profile.registration_municipality)
        else:
            candidate.target_group = group

    def _on_granted(self, event: ev.UrgencyGranted) -> None:
        cid, on, municipality = event.candidate_id, event.granted_on, event.municipality
        group = event.category.value
        self._tick(on)
        candidate = self.candidates.get(cid)
        if candidate is None:
            candidate = CandidateState(cid, CandidateStatus.REGISTERED, group, municipality)
            self.candidates[cid] = candidate
        elif candidate.status in EXIT_STATUSES:
            self._flow(FlowKind.RETURNED, cid, on, municipality, group)
        candidate.status = CandidateStatus.URGENT
        candidate.target_group = group
        candidate.municipality = municipality
        candidate.last_granted_on = on
        self.by_name.record(cid, by_name.GRANTED, on, municipality)
        self.decisions.decided(cid, decision_times.GRANTED, on, municipality)
        self._flow(FlowKind.URGENCY_GRANTED, cid, on, municipality, group)

    def _on_refused(self, event: ev.UrgencyRefused) -> None:
        cid, on, municipality = event.candidate_id, event.refused_on, event.municipality
        group = event.category.value
        self._tick(on)
        candidate = self.candidates.get(cid)
        if candidate is None:
            candidate = CandidateState(cid, CandidateStatus.REFUSED, group, municipality)
            self.candidates[cid] = candidate
        elif candidate.status not in EXIT_STATUSES and candidate.status != CandidateStatus.URGENT:
            candidate.status = CandidateStatus.REFUSED
        self.by_name.record(cid, by_name.REFUSED, on, municipality)
        self.decisions.decided(cid, decision_times.REFUSED, on, municipality)
        self._flow(FlowKind.URGENCY_REFUSED, cid, on, municipality, group)

    def _on_expired(self, event: ev.UrgencyExpired) -> None:
        cid, on, municipality = event.candidate_id, event.expired_on, event.municipality
        self._tick(on)
        candidate = self.candidates.get(cid)
        if candidate is not None and candidate.status in EXIT_STATUSES:
            return  # an expiry after housing or withdrawal is no outflow of its own
        group = candidate.target_group if candidate else UNKNOWN_GROUP
        if candidate is None:
            candidate = CandidateState(cid, CandidateStatus.EXPIRED, group, municipality)
            self.candidates[cid] = candidate
        candidate.status = CandidateStatus.EXPIRED
        self.by_name.record(cid, by_name.EXPIRED, on, municipality)
        self._flow(FlowKind.EXPIRED, cid, on, municipality, group)

    def _on_withdrawn(self, event: ev.CandidateWithdrawn) -> None:
        cid, on = event.candidate_id, event.withdrawn_on
        self._tick(on)
        candidate = self.candidates.get(cid)
        if candidate is not None and candidate.status == CandidateStatus.WITHDRAWN:
            return
        if candidate is None:
            candidate = CandidateState(cid, CandidateStatus.WITHDRAWN, UNKNOWN_GROUP,
                                       UNKNOWN_REGION)
            self.candidates[cid] = candidate
        candidate.status = CandidateStatus.WITHDRAWN
        self.by_name.record(cid, by_name.WITHDRAWN, on, candidate.municipality)
        self._flow(FlowKind.WITHDRAWN, cid, on, candidate.municipality, candidate.target_group)

    def _proposal(self, event: ev.Event) -> ProposalState:
        """The proposal an allocation event is about (made from its ids when first seen)."""
        proposal = self.proposals.get(event.proposal_id)
        if proposal is None:
            proposal = ProposalState(event.proposal_id, event.vacancy_id, event.candidate_id,
                                     event.municipality)
            self.proposals[event.proposal_id] = proposal
        return proposal

    def _on_proposed(self, event: ev.CandidateProposed) -> None:
        self._tick(event.proposed_on)
        proposal = self._proposal(event)
        proposal.target_group = event.target_group.value
        proposal.corporation = event.corporation
        proposal.proposed_on = event.proposed_on
        proposal.expires_on = event.expires_on

    def _on_accepted(self, event: ev.ProposalAccepted) -> None:
        self._tick(event.accepted_on)
        proposal = self._proposal(event)
        proposal.accepted_on = proposal.accepted_on or event.accepted_on

    def _on_declined(self, event: ev.ProposalDeclined) -> None:
        self._tick(event.declined_on)
        proposal = self._proposal(event)
        if proposal.declined_on is None:
            proposal.declined_on = event.declined_on
            proposal.declined_by = event.decided_by.value
            proposal.decline_reason = event.reason_code

    def _on_proposal_expired(self, event: ev.ProposalExpired) -> None:
        self._tick(event.expired_on)
        proposal = self._proposal(event)
        proposal.expired_on = proposal.expired_on or event.expired_on

    def _on_proposal_withdrawn(self, event: ev.ProposalWithdrawn) -> None:
        self._close_proposal(event, event.withdrawn_on)

    def _on_proposal_cancelled(self, event: ev.ProposalCancelled) -> None:
        self._close_proposal(event, event.cancelled_on)

    def _close_proposal(self, event: ev.ProposalWithdrawn | ev.ProposalCancelled,
                        on: date) -> None:
        """A live proposal closed by the platform: withdrawn (candidacy ended) or cancelled
        (accepted, then undone)."""
        self._tick(on)
        proposal = self._proposal(event)
        if proposal.closed_on is None:
            proposal.closed_on, proposal.close_reason = on, event.reason_code

    def _on_placed(self, event: ev.CandidatePlaced) -> None:
        on, cid, municipality = event.move_in_date, event.candidate_id, event.municipality
        group = event.target_group.value
        self._tick(on)
        if event.placement_id in self.waits:
            return  # the same placement again
        candidate = self.candidates.get(cid)
        granted_on = event.urgency_granted_on or (
            candidate.last_granted_on if candidate else None)
        origin = event.origin_municipality or (candidate.municipality if candidate else None)
        self.waits[event.placement_id] = WaitRecord(
            event.placement_id, cid, municipality, origin, group, granted_on, on)
        corporation = None
        vacancy = self.vacancies.get(event.vacancy_id)
        if vacancy is not None:
            corporation = vacancy.corporation
        vacancy = self._vacancy(event.vacancy_id, event.bag_id, municipality, corporation)
        vacancy.status, vacancy.closed_on = VacancyStatus.PLACED, on
        self.lettings[event.vacancy_id] = Letting(
            vacancy_id=event.vacancy_id, municipality=municipality, on=on, urgent=True,
            target_group=group, source="placement", corporation=corporation)
        if candidate is None:
            candidate = CandidateState(cid, CandidateStatus.HOUSED, group,
                                       origin or municipality)
            self.candidates[cid] = candidate
        candidate.status = CandidateStatus.HOUSED
        self.by_name.record(cid, by_name.HOUSED, on, origin or municipality)
        self._flow(FlowKind.HOUSED, cid, on, origin or municipality, group)
        if event.proposal_id:
            proposal = self._proposal(event)
            proposal.placed_on = proposal.placed_on or on
            proposal.target_group = proposal.target_group or group

    def _on_revoked(self, event: ev.UrgencyRevoked) -> None:
        self._urgency_step(by_name.REVOKED, event, event.revoked_on)

    def _on_extended(self, event: ev.UrgencyExtended) -> None:
        self._urgency_step(by_name.EXTENDED, event, event.extended_on)

    def _on_lapsed(self, event: ev.UrgencyLapsed) -> None:
        self._urgency_step(by_name.LAPSED, event, event.lapsed_on)

    def _urgency_step(self, kind: str, event: ev.Event, on: date) -> None:
        """A step of the urgency life cycle that only the by-name list reads."""
        self._tick(on)
        self.by_name.record(event.candidate_id, kind, on, event.municipality)

    def _on_applied(self, event: ev.UrgencyApplied) -> None:
        self._tick(event.applied_on)
        self.decisions.applied(event.candidate_id, event.applied_on, event.municipality)

    # by the event's class; every other event type leaves the read models as they are
    _HANDLERS = {
        ev.UrgencyApplied: _on_applied,
        ev.MunicipalityUpserted: _on_municipality,
        ev.DwellingUpserted: _on_dwelling,
        ev.VacancyAnnounced: _on_vacancy_announced,
        ev.VacancyWithdrawn: _on_vacancy_withdrawn,
        ev.VacancyLet: _on_vacancy_let,
        ev.AgreementPublished: _on_agreement,
        ev.CandidateRegistered: _on_registered,
        ev.CandidateUpdated: _on_updated,
        ev.UrgencyGranted: _on_granted,
        ev.UrgencyRefused: _on_refused,
        ev.UrgencyExpired: _on_expired,
        ev.CandidateWithdrawn: _on_withdrawn,
        ev.CandidateProposed: _on_proposed,
        ev.ProposalAccepted: _on_accepted,
        ev.ProposalDeclined: _on_declined,
        ev.ProposalExpired: _on_proposal_expired,
        ev.ProposalWithdrawn: _on_proposal_withdrawn,
        ev.ProposalCancelled: _on_proposal_cancelled,
        ev.CandidatePlaced: _on_placed,
        ev.UrgencyRevoked: _on_revoked,
        ev.UrgencyExtended: _on_extended,
        ev.UrgencyLapsed: _on_lapsed,
    }

    # --- state ----------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain, ordered data: equal snapshots mean equal read models."""

        def rows(store: Mapping) -> list:
            return [(repr(k), dataclasses.asdict(v)) for k, v in sorted(store.items(),
                                                                        key=lambda i: repr(i[0]))]

        return {
            "processed": sorted(self.processed),
            "clock": self.clock,
            "municipalities": rows(self.municipalities),
            "dwellings": rows(self.dwellings),
            "vacancies": rows(self.vacancies),
            "lettings": rows(self.lettings),
            "agreements": [(repr(k), [dataclasses.asdict(v[n]) for n in sorted(v)])
                           for k, v in sorted(self.agreements.items())],
            "candidates": rows(self.candidates),
            "flows": rows(self.flows),
            "waits": rows(self.waits),
            "proposals": rows(self.proposals),
            "byName": self.by_name.snapshot(),
            "decisionTimes": self.decisions.snapshot(),
        }

    # --- scopes ---------------------------------------------------------------------------

    def name_of(self, code: str) -> str | None:
        record = self.municipalities.get(code)
        return record.name if record else None

    def region_of(self, code: str) -> str:
        record = self.municipalities.get(code)
        return record.region if record else UNKNOWN_REGION

    def latest_agreement(self, scope: str, period: str) -> AgreementRecord | None:
        versions = self.agreements.get((scope, period))
        return versions[max(versions)] if versions else None

    def agreements_for(self, period: str) -> dict[str, AgreementRecord]:
        """The latest version of every agreement of a period, by scope."""
        return {scope: versions[max(versions)]
                for (scope, label), versions in sorted(self.agreements.items())
                if label == period and versions}

    def _is_province(self, scope: str | None) -> bool:
        return scope is None or scope == PROVINCE_SCOPE

    def scope_municipalities(self, scope: str | None) -> set[str] | None:
        """CBS codes a scope covers; None means no filter (the province)."""
        if self._is_province(scope):
            return None
        provinces = {m.province for m in self.municipalities.values()}
        if scope in provinces:
            return {m.code for m in self.municipalities.values() if m.province == scope}
        regions = {m.region for m in self.municipalities.values()}
        agreement_scopes = {s for s, _ in self.agreements}
        if scope in regions or scope in agreement_scopes:
            codes = {m.code for m in self.municipalities.values() if m.region == scope}
            for (s, _), versions in self.agreements.items():
                if s == scope:
                    codes.update(versions[max(versions)].municipalities)
            return codes
        if is_cbs_code(scope):
            return {scope}
        raise UnknownScope(scope)

    @staticmethod
    def _in(codes: set[str] | None, code: str) -> bool:
        return codes is None or code in codes

    # --- realisation ----------------------------------------------------------------------

    def _realisation_codes(self, scope: str, agreements: Mapping[str, AgreementRecord]
                           ) -> list[str]:
        if scope in agreements:
            return sorted(set(agreements[scope].municipalities)
                          | {t.municipality for t in agreements[scope].targets})
        codes = self.scope_municipalities(scope)
        if codes is None:
            codes = set(self.municipalities)
            for agreement in agreements.values():
                codes.update(agreement.municipalities)
        return sorted(codes)

    @staticmethod
    def _agreement_covering(code: str, scope: str, agreements: Mapping[str, AgreementRecord]
                            ) -> AgreementRecord | None:
        if scope in agreements and agreements[scope].covers(code):
            return agreements[scope]
        if PROVINCE_SCOPE in agreements and agreements[PROVINCE_SCOPE].covers(code):
            return agreements[PROVINCE_SCOPE]
        for name in sorted(agreements):
            if agreements[name].covers(code):
                return agreements[name]
        return None

    def realisation(self, period: str, scope: str = PROVINCE_SCOPE, *,
                    as_of: date | None = None,
                    policy: BandPolicy = DEFAULT_POLICY) -> RealisationReport:
        """Target vs realisation per municipality of `scope` (province, region id, CBS code).

        With `as_of`, only lettings dated up to that day count, and the time basis uses it;
        without, every letting of the period seen so far counts and time uses `clock`.
        The target of a municipality comes from the agreement of exactly this scope, else the
        province agreement, else any agreement of the period that covers it.
        """
        fallback_period = Period.parse(period)
        agreements = self.agreements_for(period)
        codes = self._realisation_codes(scope, agreements)
        wanted = set(codes)
        covering = {code: self._agreement_covering(code, scope, agreements) for code in codes}

        realised: Counter = Counter()
        seen: Counter = Counter()
        by_group: Counter = Counter()
        for letting in self.lettings.values():
            code = letting.municipality
            if code not in wanted:
                continue
            agreement = covering[code]
            start, end = ((agreement.period_start, agreement.period_end) if agreement
                          else (fallback_period.start, fallback_period.end))
            if not (start <= letting.on <= end) or (as_of is not None and letting.on > as_of):
                continue
            seen[code] += 1
            if letting.urgent:
                realised[code] += 1
                by_group[(code, letting.target_group or UNKNOWN_GROUP)] += 1

        moment = as_of or self.clock
        rows: list[RealisationRow] = []
        for code in codes:
            agreement = covering[code]
            target = agreement.target_for(code) if agreement else None
            base = dict(level="municipality", scope_id=code, name=self.name_of(code),
                        period=period, target_group=ALL, realised=realised[code],
                        lettings_seen=seen[code])
            if agreement is None or target is None:
                rows.append(RealisationRow(
                    **base, agreement_scope=agreement.scope if agreement else None,
                    agreement_version=agreement.version if agreement else None))
                continue
            if policy.basis == ExpectedBasis.LETTINGS and target.expected_lettings > 0:
                expected = expected_to_date(target.target, seen[code], target.expected_lettings)
                basis = ExpectedBasis.LETTINGS.value
            else:
                window = Period(agreement.period_start, agreement.period_end, agreement.period)
                elapsed = window.elapsed_fraction(moment) if moment else 0.0
                expected = expected_to_date(target.target, None, None, elapsed)
                basis = ExpectedBasis.TIME.value
            rows.append(RealisationRow(
                **base, agreement_scope=agreement.scope, agreement_version=agreement.version,
                target=target.target, base_target=target.base_target,
                carry_over=target.carry_over, expected_lettings=target.expected_lettings,
                expected_to_date=expected, lag=realised[code] - expected,
                tolerance=policy.tolerance(expected),
                status=classify(realised[code], expected, policy), expected_basis=basis))

        regions: dict[str, list[RealisationRow]] = defaultdict(list)
        for row in rows:
            regions[self.region_of(row.scope_id)].append(row)
        region_rows = tuple(self._sum_rows("region", rid, rid, period, members, policy)
                            for rid, members in sorted(regions.items()))
        total = self._sum_rows("scope", scope, None, period, rows, policy)

        group_rows: list[RealisationRow] = []
        totals_by_group: Counter = Counter()
        for (code, group), n in sorted(by_group.items()):
            totals_by_group[group] += n
            group_rows.append(RealisationRow("municipality", code, self.name_of(code), period,
                                             group, realised=n))
        for group, n in sorted(totals_by_group.items()):
            group_rows.append(RealisationRow("scope", scope, None, period, group, realised=n))

        return RealisationReport(period, scope, as_of, tuple(rows), tuple(group_rows),
                                 region_rows, total)

    @staticmethod
    def _sum_rows(level: str, scope_id: str, name: str | None, period: str,
                  rows: list[RealisationRow], policy: BandPolicy) -> RealisationRow:
        with_target = [r for r in rows if r.target is not None]
        realised = sum(r.realised for r in rows)
        seen = sum(r.lettings_seen for r in rows)
        if not with_target:
            return RealisationRow(level, scope_id, name, period, ALL, realised=realised,
                                  lettings_seen=seen)
        target = sum(r.target for r in with_target)
        expected = sum(r.expected_to_date for r in with_target)
        realised_t = sum(r.realised for r in with_target)
        bases = {r.expected_basis for r in with_target}
        return RealisationRow(
            level, scope_id, name, period, ALL,
            target=target, base_target=sum(r.base_target for r in with_target),
            carry_over=sum(r.carry_over for r in with_target), realised=realised,
            lettings_seen=seen, expected_lettings=sum(r.expected_lettings for r in with_target),
            expected_to_date=expected, lag=realised_t - expected,
            tolerance=policy.tolerance(expected), status=classify(realised_t, expected, policy),
            expected_basis=bases.pop() if len(bases) == 1 else "mixed")

    def realisation_series(self, period: str, scope: str = PROVINCE_SCOPE, *,
                           step: str = "month", until: date | None = None,
                           policy: BandPolicy = DEFAULT_POLICY) -> list[SeriesPoint]:
        """Cumulative realisation of the scope total against expected-to-date, one point per
        month end (or week end / day) of the period up to `until` (default: clock)."""
        agreement = self.agreements_for(period).get(scope)
        window = (Period(agreement.period_start, agreement.period_end, period) if agreement
                  else Period.parse(period))
        last = min(window.end, until or self.clock or window.start)
        points: list[date] = []
        day = window.start
        while day <= last:
            if step == "day":
                point = day
            elif step == "week":
                point = day + timedelta(days=6 - day.weekday())
            elif step == "month":
                point = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(1)
            else:
                raise ValueError("step must be day, week or month")
            point = min(point, last)
            points.append(point)
            day = point + timedelta(days=1)
        series = []
        for point in points:
            total = self.realisation(period, scope, as_of=point, policy=policy).total
            series.append(SeriesPoint(point, total.target, total.realised, total.lettings_seen,
                                      total.expected_to_date))
        return series

    # --- flows ----------------------------------------------------------------------------

    def flow_rows(self, period: str | None = None, scope: str | None = None,
                  target_group: str | None = None, *,
                  by_municipality: bool = False) -> list[FlowRow]:
        """Inflow and outflow per month (all months of `period`, zeros included)."""
        window = _period(period)
        codes = self.scope_municipalities(scope)
        counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for flow in self.flows.values():
            if window and not window.contains(flow.on):
                continue
            if not self._in(codes, flow.municipality):
                continue
            if target_group not in (None, ALL) and flow.target_group != target_group:
                continue
            where = flow.municipality if by_municipality else ALL
            counts[(_month(flow.on), where)][flow.kind.value] += 1
        if window and not by_municipality:
            for month in _months(window):
                counts.setdefault((month, ALL), Counter())
        group = target_group if target_group not in (None,) else ALL
        return [FlowRow(month, where, group, dict(c)) for (month, where), c in sorted(
            counts.items())]

    # --- waiting times --------------------------------------------------------------------

    def waiting_times(self, period: str | None = None, scope: str | None = None,
                      target_group: str | None = None, *,
                      by: str = "destination") -> list[WaitingTimeRow]:
        """Days from urgency granted to move-in: median and p90 per municipality x group,
        with totals (municipality or group ALL). `by`: destination or origin municipality."""
        if by not in ("destination", "origin"):
            raise ValueError("by must be destination or origin")
        window = _period(period)
        codes = self.scope_municipalities(scope)
        groups: dict[tuple[str, str], list[int | None]] = defaultdict(list)
        for wait in self.waits.values():
            code = wait.municipality if by == "destination" else (
                wait.origin_municipality or UNKNOWN_REGION)
            if window and not window.contains(wait.move_in):
                continue
            if not self._in(codes, code):
                continue
            if target_group not in (None, ALL) and wait.target_group != target_group:
                continue
            for key in ((code, wait.target_group), (code, ALL), (ALL, wait.target_group),
                        (ALL, ALL)):
                groups[key].append(wait.days)
        groups.setdefault((ALL, ALL), [])
        rows = []
        for (code, group), values in sorted(groups.items(), key=lambda i: (
                i[0][0] == ALL, i[0][0], i[0][1] == ALL, i[0][1])):
            known = [v for v in values if v is not None]
            rows.append(WaitingTimeRow(
                municipality=code, target_group=group, count=len(known),
                median_days=percentile(known, 50), p90_days=percentile(known, 90),
                mean_days=sum(known) / len(known) if known else None,
                unknown=len(values) - len(known)))
        return rows

    # --- proposals ------------------------------------------------------------------------

    def proposal_funnel(self, period: str | None = None, scope: str | None = None,
                        target_group: str | None = None, *,
                        by_municipality: bool = False) -> list[FunnelRow]:
        """Proposals per step; the ALL row first, then one per municipality if asked."""
        window = _period(period)
        codes = self.scope_municipalities(scope)
        buckets: dict[str, list[ProposalState]] = defaultdict(list)
        buckets[ALL] = []
        for proposal in self.proposals.values():
            day = proposal.first_date
            if window and (day is None or not window.contains(day)):
                continue
            if not self._in(codes, proposal.municipality):
                continue
            if target_group not in (None, ALL) and proposal.target_group != target_group:
                continue
            buckets[ALL].append(proposal)
            if by_municipality:
                buckets[proposal.municipality].append(proposal)
        group = target_group or ALL
        rows = []
        for code in sorted(buckets, key=lambda c: (c != ALL, c)):
            items = buckets[code]
            reasons = Counter((p.declined_by, p.decline_reason) for p in items
                              if p.declined_on is not None)
            rows.append(FunnelRow(
                municipality=code, target_group=group,
                proposed=sum(p.proposed_on is not None for p in items),
                accepted=sum(p.accepted_on is not None for p in items),
                declined=sum(p.declined_on is not None for p in items),
                declined_by_corporation=sum(p.declined_by == "corporation" for p in items),
                declined_by_candidate=sum(p.declined_by == "candidate" for p in items),
                expired=sum(p.expired_on is not None for p in items),
                placed=sum(p.placed_on is not None for p in items),
                open=sum(p.is_open for p in items),
                decline_reasons=tuple((by, reason, n) for (by, reason), n in sorted(
                    reasons.items(), key=lambda i: (-i[1], i[0][0], i[0][1]))),
            ))
        return rows

    # --- by-name list and where people move -------------------------------------------

    def by_name_figures(self, months: list[str], municipality: str | None = None
                        ) -> list[dict[str, Any]]:
        """One row per municipality and month (see domain/by_name.py); with no
        municipality asked, every municipality with figures plus an ALL row per month."""
        codes = None if municipality is None else {municipality}
        table = self.by_name.figures(months, codes)
        places = [municipality] if municipality else sorted({m for m, _ in table})
        rows = [{"municipality": code, "month": month, **table.get(
                    (code, month), dict.fromkeys(by_name.COLUMNS, 0))}
                for code in places for month in months]
        if municipality is None:
            rows += [{"municipality": ALL, "month": month,
                      **{c: sum(table[(code, month)][c] for code in places
                                if (code, month) in table) for c in by_name.COLUMNS}}
                     for month in months]
        return rows

    def decision_times(self, period: str, scope: str | None = None) -> list[dict[str, Any]]:
        """Application to decision per municipality (see domain/decision_times.py)."""
        window = Period.parse(period)
        as_of = self.clock or window.end
        return self.decisions.rows(window.start, window.end, as_of,
                                   self.scope_municipalities(scope))

    def origin_destination(self, period: str, scope: str | None = None,
                           target_group: str | None = None) -> list[dict[str, Any]]:
        """Placements moved in during the period, per municipality of registration (origin)
        and municipality of the dwelling; a pair counts when either end lies in the scope."""
        window = Period.parse(period)
        codes = self.scope_municipalities(scope)
        pairs = Counter((w.origin_municipality or UNKNOWN_REGION, w.municipality)
                        for w in self.waits.values() if window.contains(w.move_in)
                        and target_group in (None, ALL, w.target_group)
                        and (self._in(codes, w.municipality)
                             or self._in(codes, w.origin_municipality or "")))
        return [{"origin": origin, "destination": destination, "placements": n}
                for (origin, destination), n in sorted(pairs.items())]

    def stalled_proposals(self, as_of: date, max_open_days: int, scope: str | None = None,
                          *, include_accepted: bool = False) -> list[StalledProposal]:
        """Proposals open longer than `max_open_days` days at `as_of` (strictly more).

        Open: not declined, expired or placed; an accepted proposal waiting for its move-in
        only counts with `include_accepted`. Sorted by open days (longest first), then id.
        """
        if max_open_days < 0:
            raise ValueError("max_open_days must not be negative")
        codes = self.scope_municipalities(scope)
        stalled = []
        for proposal in self.proposals.values():
            if not proposal.is_open or proposal.proposed_on is None:
                continue
            if proposal.accepted_on is not None and not include_accepted:
                continue
            if not self._in(codes, proposal.municipality):
                continue
            days = (as_of - proposal.proposed_on).days
            if days > max_open_days:
                stalled.append(StalledProposal(
                    proposal.proposal_id, proposal.vacancy_id, proposal.municipality,
                    proposal.proposed_on, days, proposal.accepted_on is not None))
        return sorted(stalled, key=lambda s: (-s.open_days, s.proposal_id))

    def accepted_without_move_in(self, as_of: date, max_days: int) -> list[StalledAcceptance]:
        """Accepted proposals, neither placed nor cancelled, accepted more than `max_days`
        days before `as_of`; longest first, then by id."""
        stalled = []
        for proposal in self.proposals.values():
            if not proposal.is_open or proposal.accepted_on is None:
                continue
            days = (as_of - proposal.accepted_on).days
            if days > max_days:
                stalled.append(StalledAcceptance(proposal.proposal_id, proposal.vacancy_id,
                                                 proposal.municipality, proposal.accepted_on,
                                                 days))
        return sorted(stalled, key=lambda s: (-s.accepted_days, s.proposal_id))

    # --- stock ----------------------------------------------------------------------------

    def stock(self, scope: str | None = None, period: str | None = None) -> list[StockRow]:
        """Dwellings by accessibility, open vacancies and lettings per municipality, plus a
        total row (municipality ALL) first. Vacancy and letting counts are limited to the
        period when one is given; dwellings and open vacancies are the current state."""
        window = _period(period)
        codes = self.scope_municipalities(scope)
        classes = [a.value for a in Accessibility]
        known = set(self.municipalities) | {d.municipality for d in self.dwellings.values()} \
            | {v.municipality for v in self.vacancies.values()} \
            | {lt.municipality for lt in self.lettings.values()}
        wanted = sorted(c for c in known if self._in(codes, c))
        data = {code: {"dwellings": 0, "acc": Counter(), "care": 0, "open": 0, "announced": 0,
                       "withdrawn": 0, "lettings": 0, "urgent": 0} for code in wanted}
        for dwelling in self.dwellings.values():
            if dwelling.municipality in data:
                cell = data[dwelling.municipality]
                cell["dwellings"] += 1
                cell["acc"][dwelling.accessibility] += 1
                cell["care"] += dwelling.care_suitable
        for vacancy in self.vacancies.values():
            if vacancy.municipality not in data:
                continue
            cell = data[vacancy.municipality]
            cell["open"] += vacancy.status == VacancyStatus.OPEN
            if vacancy.announced_on and (window is None or window.contains(vacancy.announced_on)):
                cell["announced"] += 1
            if vacancy.status == VacancyStatus.WITHDRAWN and vacancy.closed_on and (
                    window is None or window.contains(vacancy.closed_on)):
                cell["withdrawn"] += 1
        for letting in self.lettings.values():
            if letting.municipality in data and (window is None or window.contains(letting.on)):
                data[letting.municipality]["lettings"] += 1
                data[letting.municipality]["urgent"] += letting.urgent

        def row(code: str, cells: list[dict]) -> StockRow:
            acc = Counter()
            for cell in cells:
                acc.update(cell["acc"])
            lettings = sum(c["lettings"] for c in cells)
            urgent = sum(c["urgent"] for c in cells)
            return StockRow(
                municipality=code, name=self.name_of(code) if code != ALL else None,
                dwellings=sum(c["dwellings"] for c in cells),
                by_accessibility={k: acc.get(k, 0) for k in classes},
                care_suitable=sum(c["care"] for c in cells),
                open_vacancies=sum(c["open"] for c in cells),
                vacancies_announced=sum(c["announced"] for c in cells),
                vacancies_withdrawn=sum(c["withdrawn"] for c in cells),
                lettings=lettings, urgent_lettings=urgent, regular_lettings=lettings - urgent)

        return [row(ALL, list(data.values()))] + [row(code, [data[code]]) for code in wanted]
