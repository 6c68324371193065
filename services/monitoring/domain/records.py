"""Plain records mirroring the fields of shared/contracts/events.py that monitoring reads.

`parse(name, data)` turns a CloudEvents `data` dict (camelCase on the wire; snake_case is
accepted too) into one of these frozen dataclasses, or raises MalformedEvent naming the field.
Fields monitoring does not need are ignored, like any consumer ignores unknown fields.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Mapping

from shared.contracts.decline_reasons import decline_reasons
from shared.contracts.periods import AMSTERDAM
from shared.contracts.vocabulary import Accessibility, DecidedBy, TenantType

TYPE_PREFIX = "nl.woonregie."
_VERSIONED = re.compile(r"^(?P<name>[a-z0-9.-]+)\.v(?P<major>\d+)$")
SUPPORTED_MAJOR = 1


class MalformedEvent(ValueError):
    """The event cannot be applied (goes to the DLQ); `field` names the problem."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class UnknownEventType(MalformedEvent):
    pass


class UnsupportedVersion(MalformedEvent):
    pass


# --- field readers ------------------------------------------------------------------------


_SNAKE: dict[str, str] = {}


def _snake(name: str) -> str:
    snake = _SNAKE.get(name)
    if snake is None:  # field names are few: each converted once
        snake = _SNAKE[name] = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return snake


_MISSING = object()


def _raw(data: Mapping[str, Any], name: str, default: Any = _MISSING) -> Any:
    if name in data:
        return data[name]
    snake = _snake(name)
    if snake in data:
        return data[snake]
    if default is _MISSING:
        raise MalformedEvent(name, "missing")
    return default


def _str(data: Mapping[str, Any], name: str, default: Any = _MISSING) -> Any:
    value = _raw(data, name, default)
    if value is None and default is None:
        return None
    if not isinstance(value, str) or not value:
        raise MalformedEvent(name, "must be a non-empty string")
    return value


def _int(data: Mapping[str, Any], name: str, default: Any = _MISSING) -> int:
    value = _raw(data, name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not value.is_integer()):
        raise MalformedEvent(name, "must be an integer")
    return int(value)


def _float(data: Mapping[str, Any], name: str, default: Any = _MISSING) -> float:
    value = _raw(data, name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise MalformedEvent(name, "must be a number")
    return float(value)


def _bool(data: Mapping[str, Any], name: str, default: Any = _MISSING) -> bool:
    value = _raw(data, name, default)
    if not isinstance(value, bool):
        raise MalformedEvent(name, "must be true or false")
    return value


def _date(data: Mapping[str, Any], name: str, default: Any = _MISSING) -> date | None:
    value = _raw(data, name, default)
    if value is None and default is None:
        return None
    return to_date(value, name)


_DATES: dict[str, date] = {}  # ISO text -> its date (a pure function; dates are few)


def to_date(value: Any, name: str = "date") -> date:
    """An ISO date, or the Europe/Amsterdam calendar date of an ISO date-time."""
    if type(value) is str:
        day = _DATES.get(value)
        if day is None:
            day = _to_date(value, name)
            if len(_DATES) >= 100_000:
                _DATES.clear()
            _DATES[value] = day
        return day
    return _to_date(value, name)


def _to_date(value: Any, name: str) -> date:
    if isinstance(value, str):
        try:
            value = (date.fromisoformat(value) if len(value) == 10
                     else datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            raise MalformedEvent(name, f"not an ISO date: {value!r}") from None
    if isinstance(value, datetime):
        return value.astimezone(AMSTERDAM).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    raise MalformedEvent(name, f"not an ISO date: {value!r}")


def _enum(data: Mapping[str, Any], name: str, enum: type, default: Any = _MISSING) -> str | None:
    value = _raw(data, name, default)
    if value is None and default is None:
        return None
    if type(value) is str:
        member = enum._value2member_map_.get(value)
        if member is not None:
            return member.value
    try:
        return enum(value).value
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise MalformedEvent(name, f"{value!r} is not one of {allowed}") from None


def _mapping(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = _raw(data, name)
    if type(value) is not dict and not isinstance(value, Mapping):
        raise MalformedEvent(name, "must be an object")
    return value


def _nested(name: str, parse: Callable[[Mapping[str, Any]], Any], value: Mapping[str, Any]):
    try:
        return parse(value)
    except MalformedEvent as exc:
        raise MalformedEvent(f"{name}.{exc.field}", exc.message) from None


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MunicipalityRecord:
    code: str
    name: str
    region: str
    province: str
    population: int


@dataclass(frozen=True, slots=True)  # slots: the stock holds hundreds of thousands
class DwellingRecord:
    bag_id: str
    municipality: str
    corporation: str
    rooms: int
    monthly_rent: float
    accessibility: str
    care_suitable: bool


@dataclass(frozen=True)
class VacancyAnnouncedRecord:
    vacancy_id: str
    available_from: date
    announced_on: date
    dwelling: DwellingRecord


@dataclass(frozen=True)
class VacancyWithdrawnRecord:
    vacancy_id: str
    bag_id: str
    municipality: str
    corporation: str
    withdrawn_on: date


@dataclass(frozen=True)
class VacancyLetRecord:
    vacancy_id: str
    bag_id: str
    municipality: str
    corporation: str
    tenant_type: str  # "regular" | "urgent"
    let_on: date


@dataclass(frozen=True)
class TargetRecord:
    municipality: str
    key: float
    base_target: int
    carry_over: int
    target: int
    expected_lettings: float


@dataclass(frozen=True)
class AgreementRecord:
    scope: str
    period: str
    version: int
    period_start: date
    period_end: date
    urgent_share: float
    cap_share: float
    expected_lettings: int
    municipalities: tuple[str, ...]
    targets: tuple[TargetRecord, ...]

    def target_for(self, code: str) -> TargetRecord | None:
        for target in self.targets:
            if target.municipality == code:
                return target
        return None

    def covers(self, code: str) -> bool:
        return code in self.municipalities or self.target_for(code) is not None


@dataclass(frozen=True)
class CandidateRegisteredRecord:
    candidate_id: str
    registered_on: date
    target_group: str
    municipality: str  # registration municipality
    registered_by: str | None


@dataclass(frozen=True)
class CandidateUpdatedRecord:
    candidate_id: str
    updated_on: date
    target_group: str
    municipality: str


@dataclass(frozen=True)
class UrgencyGrantedRecord:
    candidate_id: str
    municipality: str
    category: str
    granted_on: date
    valid_until: date | None


@dataclass(frozen=True)
class UrgencyAppliedRecord:
    candidate_id: str
    municipality: str
    applied_on: date


@dataclass(frozen=True)
class UrgencyRefusedRecord:
    candidate_id: str
    municipality: str
    category: str
    refused_on: date


@dataclass(frozen=True)
class UrgencyExpiredRecord:
    candidate_id: str
    municipality: str
    expired_on: date


@dataclass(frozen=True)
class CandidateWithdrawnRecord:
    candidate_id: str
    withdrawn_on: date
    reason: str | None


@dataclass(frozen=True)
class CandidateProposedRecord:
    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    origin_municipality: str | None
    corporation: str | None
    target_group: str
    proposed_on: date
    expires_on: date | None


@dataclass(frozen=True)
class ProposalAcceptedRecord:
    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    accepted_on: date


@dataclass(frozen=True)
class ProposalDeclinedRecord:
    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    decided_by: str  # "corporation" | "candidate"
    reason_code: str  # from shared/contracts/decline_reasons.json; old free text is mapped, then dropped
    declined_on: date


@dataclass(frozen=True)
class ProposalExpiredRecord:
    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    expired_on: date


@dataclass(frozen=True)
class UrgencyStepRecord:
    """A step of the urgency life cycle that only the by-name list reads (revoked,
    extended, lapsed)."""

    kind: str  # a step kind of services.monitoring.domain.by_name
    candidate_id: str
    municipality: str
    on: date


@dataclass(frozen=True)
class ProposalClosedRecord:
    """A live proposal closed by the platform: withdrawn (candidacy ended) or cancelled
    (accepted, then undone)."""

    proposal_id: str
    vacancy_id: str
    candidate_id: str
    municipality: str
    reason_code: str
    closed_on: date


@dataclass(frozen=True)
class CandidatePlacedRecord:
    placement_id: str
    proposal_id: str | None
    vacancy_id: str
    bag_id: str | None
    candidate_id: str
    municipality: str
    origin_municipality: str | None
    target_group: str
    urgency_granted_on: date | None
    move_in_date: date


# --- parsers ------------------------------------------------------------------------------


def _dwelling(d: Mapping[str, Any]) -> DwellingRecord:
    return DwellingRecord(
        bag_id=_str(d, "bagId"),
        # a few hundred distinct codes shared by the whole stock: one string each
        municipality=sys.intern(_str(d, "municipality")),
        corporation=sys.intern(_str(d, "corporation")),
        rooms=_int(d, "rooms"),
        monthly_rent=_float(d, "monthlyRent"),
        accessibility=_enum(d, "accessibility", Accessibility),
        care_suitable=_bool(d, "careSuitable", False),
    )


def _target(d: Mapping[str, Any]) -> TargetRecord:
    return TargetRecord(
        municipality=_str(d, "municipality"),
        key=_float(d, "key"),
        base_target=_int(d, "baseTarget"),
        carry_over=_int(d, "carryOver", 0),
        target=_int(d, "target"),
        expected_lettings=_float(d, "expectedLettings"),
    )


def _agreement(d: Mapping[str, Any]) -> AgreementRecord:
    raw_targets = _raw(d, "targets")
    raw_municipalities = _raw(d, "municipalities")
    if not isinstance(raw_targets, list):
        raise MalformedEvent("targets", "must be a list")
    if not isinstance(raw_municipalities, list) or not all(
            isinstance(x, str) for x in raw_municipalities):
        raise MalformedEvent("municipalities", "must be a list of CBS codes")
    targets = tuple(_nested(f"targets[{i}]", _target, t) if isinstance(t, Mapping)
                    else _raise(f"targets[{i}]", "must be an object")
                    for i, t in enumerate(raw_targets))
    start, end = _date(d, "periodStart"), _date(d, "periodEnd")
    if end < start:
        raise MalformedEvent("periodEnd", "is before periodStart")
    return AgreementRecord(
        scope=_str(d, "scope"),
        period=_str(d, "period"),
        version=_int(d, "version"),
        period_start=start,
        period_end=end,
        urgent_share=_float(d, "urgentShare"),
        cap_share=_float(d, "capShare"),
        expected_lettings=_int(d, "expectedLettings"),
        municipalities=tuple(raw_municipalities),
        targets=targets,
    )


def _raise(field: str, message: str):
    raise MalformedEvent(field, message)


def _profile(d: Mapping[str, Any]) -> tuple[str, str, str | None]:
    profile = _mapping(d, "profile")
    try:
        return (_str(profile, "targetGroup"), _str(profile, "registrationMunicipality"),
                _str(profile, "registeredBy", None))
    except MalformedEvent as exc:
        raise MalformedEvent(f"profile.{exc.field}", exc.message) from None


def _registered(d: Mapping[str, Any]) -> CandidateRegisteredRecord:
    group, municipality, by = _profile(d)
    return CandidateRegisteredRecord(_str(d, "candidateId"), _date(d, "registeredOn"), group,
                                     municipality, by)


def _updated(d: Mapping[str, Any]) -> CandidateUpdatedRecord:
    group, municipality, _ = _profile(d)
    return CandidateUpdatedRecord(_str(d, "candidateId"), _date(d, "updatedOn"), group,
                                  municipality)


def _declined(d: Mapping[str, Any]) -> ProposalDeclinedRecord:
    by = _enum(d, "decidedBy", DecidedBy)
    code = _raw(d, "reasonCode", None)
    if code is None:  # a record from before the code list: never keep its free text
        code = decline_reasons().code_of_legacy(by, _str(d, "reason"))
    elif not isinstance(code, str) or not code:
        raise MalformedEvent("reasonCode", "must be a non-empty string")
    return ProposalDeclinedRecord(
        _str(d, "proposalId"), _str(d, "vacancyId"), _str(d, "candidateId"),
        _str(d, "municipality"), by, code, _date(d, "declinedOn"))


PARSERS: dict[str, Callable[[Mapping[str, Any]], Any] | None] = {
    "registry.municipality-upserted": lambda d: MunicipalityRecord(
        _str(d, "code"), _str(d, "name"), _str(d, "region"), _str(d, "province"),
        _int(d, "population")),
    "registry.dwelling-upserted": lambda d: _nested("dwelling", _dwelling, _mapping(d, "dwelling")),
    "registry.vacancy-announced": lambda d: VacancyAnnouncedRecord(
        _str(d, "vacancyId"), _date(d, "availableFrom"), _date(d, "announcedAt"),
        _nested("dwelling", _dwelling, _mapping(d, "dwelling"))),
    "registry.vacancy-withdrawn": lambda d: VacancyWithdrawnRecord(
        _str(d, "vacancyId"), _str(d, "bagId"), _str(d, "municipality"), _str(d, "corporation"),
        _date(d, "withdrawnOn")),
    "registry.vacancy-let": lambda d: VacancyLetRecord(
        _str(d, "vacancyId"), _str(d, "bagId"), _str(d, "municipality"), _str(d, "corporation"),
        _enum(d, "tenantType", TenantType), _date(d, "letOn")),
    "registry.agreement-published": _agreement,
    "intake.candidate-registered": _registered,
    "intake.candidate-updated": _updated,
    "intake.urgency-granted": lambda d: UrgencyGrantedRecord(
        _str(d, "candidateId"), _str(d, "municipality"), _str(d, "category"),
        _date(d, "grantedOn"), _date(d, "validUntil", None)),
    "intake.urgency-refused": lambda d: UrgencyRefusedRecord(
        _str(d, "candidateId"), _str(d, "municipality"), _str(d, "category"),
        _date(d, "refusedOn")),
    "intake.urgency-expired": lambda d: UrgencyExpiredRecord(
        _str(d, "candidateId"), _str(d, "municipality"), _date(d, "expiredOn")),
    "intake.candidate-withdrawn": lambda d: CandidateWithdrawnRecord(
        _str(d, "candidateId"), _date(d, "withdrawnOn"), _raw(d, "reason", None)),
    "allocation.candidate-proposed": lambda d: CandidateProposedRecord(
        _str(d, "proposalId"), _str(d, "vacancyId"), _str(d, "candidateId"),
        _str(d, "municipality"), _str(d, "originMunicipality", None),
        _str(d, "corporation", None), _str(d, "targetGroup"), _date(d, "proposedOn"),
        _date(d, "expiresOn", None)),
    "allocation.proposal-accepted": lambda d: ProposalAcceptedRecord(
        _str(d, "proposalId"), _str(d, "vacancyId"), _str(d, "candidateId"),
        _str(d, "municipality"), _date(d, "acceptedOn")),
    "allocation.proposal-declined": _declined,
    "allocation.proposal-expired": lambda d: ProposalExpiredRecord(
        _str(d, "proposalId"), _str(d, "vacancyId"), _str(d, "candidateId"),
        _str(d, "municipality"), _date(d, "expiredOn")),
    "allocation.candidate-placed": lambda d: CandidatePlacedRecord(
        _str(d, "placementId"), _str(d, "proposalId", None), _str(d, "vacancyId"),
        _str(d, "bagId", None), _str(d, "candidateId"), _str(d, "municipality"),
        _str(d, "originMunicipality", None), _str(d, "targetGroup"),
        _date(d, "urgencyGrantedOn", None), _date(d, "moveInDate")),
    "intake.urgency-revoked": lambda d: UrgencyStepRecord(
        "revoked", _str(d, "candidateId"), _str(d, "municipality"), _date(d, "revokedOn")),
    "intake.urgency-extended": lambda d: UrgencyStepRecord(
        "extended", _str(d, "candidateId"), _str(d, "municipality"), _date(d, "extendedOn")),
    "intake.urgency-lapsed": lambda d: UrgencyStepRecord(
        "lapsed", _str(d, "candidateId"), _str(d, "municipality"), _date(d, "lapsedOn")),
    "allocation.proposal-withdrawn": lambda d: ProposalClosedRecord(
        _str(d, "proposalId"), _str(d, "vacancyId"), _str(d, "candidateId"),
        _str(d, "municipality"), _str(d, "reasonCode"), _date(d, "withdrawnOn")),
    "allocation.proposal-cancelled": lambda d: ProposalClosedRecord(
        _str(d, "proposalId"), _str(d, "vacancyId"), _str(d, "candidateId"),
        _str(d, "municipality"), _str(d, "reasonCode"), _date(d, "cancelledOn")),
    "intake.urgency-applied": lambda d: UrgencyAppliedRecord(
        _str(d, "candidateId"), _str(d, "municipality"), _date(d, "appliedOn")),
    # known event types that do not change monitoring's read models
    "allocation.candidate-lapsed": None,
    "monitoring.accepted-proposal-stalled": None,
    "intake.candidate-erased": None,
    "registry.feed-vacancy-reported": None,
    "feed.vacancy-reported": None,
    "allocation.vacancy-labelled": None,
    "monitoring.realisation-band-changed": None,
    "monitoring.proposal-stalled": None,
}

# Python class names of shared/contracts/events.py, accepted as event type names too
CLASS_NAMES = {
    "MunicipalityUpserted": "registry.municipality-upserted",
    "DwellingUpserted": "registry.dwelling-upserted",
    "VacancyAnnounced": "registry.vacancy-announced",
    "VacancyWithdrawn": "registry.vacancy-withdrawn",
    "VacancyLet": "registry.vacancy-let",
    "FeedVacancyReported": "feed.vacancy-reported",
    "AgreementPublished": "registry.agreement-published",
    "CandidateRegistered": "intake.candidate-registered",
    "CandidateUpdated": "intake.candidate-updated",
    "UrgencyGranted": "intake.urgency-granted",
    "UrgencyRefused": "intake.urgency-refused",
    "UrgencyExpired": "intake.urgency-expired",
    "CandidateWithdrawn": "intake.candidate-withdrawn",
    "CandidateErased": "intake.candidate-erased",
    "VacancyLabelled": "allocation.vacancy-labelled",
    "CandidateProposed": "allocation.candidate-proposed",
    "ProposalAccepted": "allocation.proposal-accepted",
    "ProposalDeclined": "allocation.proposal-declined",
    "ProposalExpired": "allocation.proposal-expired",
    "CandidatePlaced": "allocation.candidate-placed",
    "RealisationBandChanged": "monitoring.realisation-band-changed",
    "ProposalStalled": "monitoring.proposal-stalled",
    "ProposalWithdrawn": "allocation.proposal-withdrawn",
    "ProposalCancelled": "allocation.proposal-cancelled",
    "CandidateLapsed": "allocation.candidate-lapsed",
    "UrgencyApplied": "intake.urgency-applied",
    "UrgencyRevoked": "intake.urgency-revoked",
    "UrgencyExtended": "intake.urgency-extended",
    "UrgencyLapsed": "intake.urgency-lapsed",
    "AcceptedProposalStalled": "monitoring.accepted-proposal-stalled",
}
# woonzorgvisie: known here, applied by the woonzorgvisie read model (domain/woonzorgvisie.py)
PARSERS.update({"registry.woonzorgvisie-imported": None, "monitoring.stapeling-flagged": None})
CLASS_NAMES.update({"WoonzorgvisieImported": "registry.woonzorgvisie-imported",
                    "StapelingFlagged": "monitoring.stapeling-flagged"})


_NAMES: dict[str, str] = {}  # type name -> its normalised name, once it was accepted


def event_name(type_name: str) -> str:
    """Normalise `nl.woonregie.intake.urgency-granted.v1`, `intake.urgency-granted` or
    `UrgencyGranted` to `intake.urgency-granted`; rejects unknown names and major versions."""
    if type(type_name) is str:
        name = _NAMES.get(type_name)
        if name is not None:
            return name
    name = _event_name(type_name)
    if len(_NAMES) < 1_000:
        _NAMES[type_name] = name
    return name


def _event_name(type_name: str) -> str:
    if not isinstance(type_name, str) or not type_name:
        raise UnknownEventType("type", "missing event type")
    if type_name in CLASS_NAMES:
        return CLASS_NAMES[type_name]
    name = type_name[len(TYPE_PREFIX):] if type_name.startswith(TYPE_PREFIX) else type_name
    match = _VERSIONED.fullmatch(name)
    if match:
        name = match["name"]
        if int(match["major"]) != SUPPORTED_MAJOR:
            if name in PARSERS:
                raise UnsupportedVersion("type", f"unsupported major version "
                                                 f"v{match['major']} of {name}")
    if name not in PARSERS:
        raise UnknownEventType("type", f"unknown event type {type_name!r}")
    return name


def parse(type_name: str, data: Mapping[str, Any]) -> tuple[str, Any]:
    """(normalised name, record) -- record is None for known events monitoring ignores."""
    name = event_name(type_name)
    if type(data) is not dict and not isinstance(data, Mapping):
        raise MalformedEvent("data", "must be an object")
    parser = PARSERS[name]
    return name, (None if parser is None else parser(data))
