"""Use cases of intake: one handler per command, each one transaction.

Every handler gets the command, an open unit of work and the `Deps`; it commits itself
(state change, access-log rows and outbox events together) and returns a `Result`
(Created, Found or Done; the route maps it to HTTP).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta

from services.intake.domain.errors import (
    Collected,
    DuplicatePerson,
    IdempotencyKeyReused,
    ImportRejected,
    NotFound,
    RowError,
)
from services.intake.domain.geography import Geography
from services.intake.domain.income import IncomeLimits
from services.intake.domain.model import Candidate, Decision, Person, Situation
from services.intake.domain.pseudonym import fingerprint_of, pseudonym_of
from services.intake.domain.rules import (
    decision_date,
    decision_errors,
    person_errors,
    situation_errors,
    urgency_valid_until,
)
from services.intake.domain.validity import (
    AgreementTerms,
    Validity,
    agreed_validity_days,
)
from services.intake.service import commands as c
from services.intake.service import events
from services.intake.service.uow import IntakeUnitOfWork
from services.intake.service.views import candidate_view, pseudonymous_view
from shared.bus import Retry
from shared.contracts.envelope import Received
from shared.contracts.events import (
    AgreementPublished,
    CandidateErased,
    CandidateLapsed,
    CandidatePlaced,
    CandidateWithdrawn,
    UrgencyApplied,
    UrgencyExpired,
    UrgencyExtended,
    UrgencyGranted,
    UrgencyLapsed,
    UrgencyRefused,
    UrgencyRevoked,
)
from shared.contracts.periods import today_amsterdam, utcnow
from shared.contracts.vocabulary import Role
from shared.pagination import Page

log = logging.getLogger(__name__)
# Long enough for any client's retries, short enough not to hoard (sealed) answers.
IDEMPOTENCY_RETENTION = timedelta(hours=24)
PERSON_FIELDS = {"name", "yearly_income"}


@dataclass(frozen=True)
class Deps:
    pseudonym_key: bytes
    limits: IncomeLimits
    geography: Geography
    urgency_validity_days: int
    clock: Callable[[], date] = today_amsterdam
    new_id: Callable[[], str] = field(default=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class Created:
    """A new record (or the replay of the first answer to the same Idempotency-Key)."""

    body: dict
    replayed: bool = False


@dataclass(frozen=True)
class Found:
    """What was read or changed."""

    body: dict


@dataclass(frozen=True)
class Done:
    """Carried out; nothing to show."""


Result = Created | Found | Done


# --- registration -------------------------------------------------------------------------


def register(cmd: c.RegisterCandidate, uow: IntakeUnitOfWork, deps: Deps) -> Result:
    # a given date is part of the request: the same key with another date is another request
    dated = f"|registeredOn:{cmd.registered_on}" if cmd.registered_on else ""
    fingerprint = fingerprint_of(_canonical(cmd.person, cmd.situation) + dated,
                                 deps.pseudonym_key)
    replay = _replay(uow, cmd.caller, "candidates", cmd.idempotency_key, fingerprint, deps)
    if replay:
        return replay
    today = deps.clock()
    found = Collected(person_errors(cmd.person, today)
                      + situation_errors(cmd.situation, deps.geography))
    found.raise_if_any()
    registered_on = decision_date(cmd.registered_on, today, "registeredOn")
    pseudonym = pseudonym_of(cmd.person.bsn, deps.pseudonym_key)
    existing = uow.candidates.id_with_pseudonym(pseudonym)
    if existing:
        # a concurrent first request with the same key may have committed since our lookup
        # (PostgreSQL reads committed data per statement): it commits key and candidate
        # together, so look once more before calling this a duplicate
        replay = _replay(uow, cmd.caller, "candidates", cmd.idempotency_key, fingerprint, deps)
        if replay:
            return replay
        existing_id, existing_org = existing
        # the registering organisation may learn its own id; anyone else learns nothing
        raise DuplicatePerson(existing_id if existing_org == cmd.caller.org else None)
    candidate = _add_candidate(uow, cmd.caller, cmd.person, cmd.situation, pseudonym,
                               registered_on, deps, cmd.purpose)
    body = candidate_view(candidate)
    _remember(uow, cmd.caller, "candidates", cmd.idempotency_key, fingerprint, body,
              candidate.id, deps)
    uow.commit()
    return Created(body)


def import_candidates(cmd: c.ImportCandidates, uow: IntakeUnitOfWork, deps: Deps) -> Result:
    """All rows or none: a file with any bad row stores nothing and reports every error."""
    fingerprint = fingerprint_of(cmd.fingerprint_source, deps.pseudonym_key)
    replay = _replay(uow, cmd.caller, "candidate-imports", cmd.idempotency_key, fingerprint,
                     deps)
    if replay:
        return replay
    today = deps.clock()
    errors: list[RowError] = []
    accepted: list[tuple[c.ImportRow, str]] = []
    first_row_of: dict[str, int] = {}
    if not cmd.rows:
        errors.append(RowError(0, "file", "holds a header but no rows"))
    for row in cmd.rows:
        found = list(row.errors)
        if not found:
            found = (person_errors(row.person, today)
                     + situation_errors(row.situation, deps.geography))
        if found:
            errors.extend(RowError(row.number, e.field, e.reason) for e in found)
            continue
        pseudonym = pseudonym_of(row.person.bsn, deps.pseudonym_key)
        if pseudonym in first_row_of:
            errors.append(RowError(row.number, "bsn",
                                   f"the same person is in row {first_row_of[pseudonym]}"))
        elif uow.candidates.id_with_pseudonym(pseudonym):
            errors.append(RowError(row.number, "bsn",
                                   "this person is already registered as an active candidate"))
        else:
            first_row_of[pseudonym] = row.number
            accepted.append((row, pseudonym))
    if errors:
        # see `register`: a concurrent first request with this key may just have committed
        replay = _replay(uow, cmd.caller, "candidate-imports", cmd.idempotency_key,
                         fingerprint, deps)
        if replay:
            return replay
        raise ImportRejected(errors, len(cmd.rows))
    created = []
    for row, pseudonym in accepted:
        candidate = _add_candidate(uow, cmd.caller, row.person, row.situation, pseudonym,
                                   today, deps, cmd.purpose)
        created.append({"row": row.number, "id": candidate.id})
    body = {"imported": len(created), "candidates": created}
    _remember(uow, cmd.caller, "candidate-imports", cmd.idempotency_key, fingerprint,
              body, None, deps)
    uow.commit()
    return Created(body)


def _add_candidate(uow: IntakeUnitOfWork, caller: c.Caller, person: Person,
                   situation: Situation, pseudonym: str, today: date, deps: Deps,
                   purpose: str) -> Candidate:
    candidate = Candidate.register(
        candidate_id=deps.new_id(), registered_by=caller.org, today=today, person=person,
        situation=situation, pseudonym=pseudonym, limits=deps.limits,
    )
    uow.candidates.add(candidate)
    uow.emit(events.registered(candidate))
    _log_access(uow, caller, [candidate.id], "registered", purpose)
    return candidate


# --- reading ------------------------------------------------------------------------------


def read(cmd: c.ReadCandidate, uow: IntakeUnitOfWork, deps: Deps) -> Result:
    candidate = _owned(uow, cmd.caller, cmd.candidate_id)
    _log_access(uow, cmd.caller, [candidate.id], "read", cmd.purpose)
    uow.commit()
    return Found(candidate_view(candidate))


def list_candidates(cmd: c.ListCandidates, uow: IntakeUnitOfWork, deps: Deps) -> Page[dict]:
    """An organisation's own candidates; a municipality's worklist (registered there)
    shows no personal data, so it needs no access-log rows."""
    offset = (cmd.page - 1) * cmd.page_size
    if cmd.caller.role == Role.MUNICIPALITY:
        found, total = uow.candidates.page(municipality=cmd.caller.org, status=cmd.status,
                                           offset=offset, limit=cmd.page_size)
        items = [pseudonymous_view(candidate) for candidate in found]
    else:
        found, total = uow.candidates.page(registered_by=cmd.caller.org, status=cmd.status,
                                           offset=offset, limit=cmd.page_size)
        items = [candidate_view(candidate) for candidate in found]
        _log_access(uow, cmd.caller, [x.id for x in found if x.person], "listed", cmd.purpose)
    uow.commit()
    return Page(items, cmd.page, cmd.page_size, total)


# --- changes ------------------------------------------------------------------------------


def amend(cmd: c.AmendCandidate, uow: IntakeUnitOfWork, deps: Deps) -> Result:
    candidate = _owned(uow, cmd.caller, cmd.candidate_id, for_update=True)
    today = deps.clock()
    candidate.require_active("changed")
    person_changes = {k: v for k, v in cmd.changes.items() if k in PERSON_FIELDS}
    person = replace(candidate.person, **person_changes)
    situation = replace(candidate.situation, **{
        k: v for k, v in cmd.changes.items() if k not in PERSON_FIELDS
    })
    found = Collected(situation_errors(situation, deps.geography))
    found.errors += [e for e in person_errors(person, today)
                     if e.field in {"name", "yearlyIncome"}]
    found.raise_if_any()
    if candidate.amend(person=person, situation=situation, today=today, limits=deps.limits):
        uow.emit(events.updated(candidate, today))
    uow.candidates.save(candidate)
    _log_access(uow, cmd.caller, [candidate.id], "updated", cmd.purpose)
    uow.commit()
    return Found(candidate_view(candidate))


def withdraw(cmd: c.WithdrawCandidate, uow: IntakeUnitOfWork, deps: Deps) -> Result:
    candidate = _owned(uow, cmd.caller, cmd.candidate_id, for_update=True)
    today = deps.clock()
    candidate.withdraw(cmd.reason, today)
    uow.candidates.save(candidate)
    uow.emit(CandidateWithdrawn(candidate_id=candidate.id, withdrawn_on=today,
                                reason=str(cmd.reason) if cmd.reason else None))
    _log_access(uow, cmd.caller, [candidate.id], "withdrawn", cmd.purpose)
    uow.commit()
    return Found(candidate_view(candidate))


def erase(cmd: c.EraseCandidate, uow: IntakeUnitOfWork, deps: Deps) -> Result:
    """Forget BSN, name, birth year, income, decision reasons and stored replies; the
    pseudonymous row and its events stay for monitoring. Erasing twice changes nothing."""
    candidate = _owned(uow, cmd.caller, cmd.candidate_id, for_update=True)
    today = deps.clock()
    if candidate.erase(today):
        uow.candidates.save(candidate)
        uow.decisions.forget_reasons(candidate.id)
        uow.applications.forget_references(candidate.id)
        uow.idempotency.forget_candidate(candidate.id)
        uow.emit(CandidateErased(candidate_id=candidate.id, erased_on=today))
        _log_access(uow, cmd.caller, [candidate.id], "erased", cmd.purpose)
        uow.commit()
    return Done()


# --- urgency ------------------------------------------------------------------------------


def decide_urgency(cmd: c.DecideUrgency, uow: IntakeUnitOfWork, deps: Deps) -> Result:
    candidate = uow.candidates.get(cmd.candidate_id, for_update=True)
    # only the municipality the candidate is registered in decides; others see nothing
    if candidate is None or candidate.situation.registration_municipality != cmd.caller.org:
        raise NotFound()
    Collected(decision_errors(cmd.decision, cmd.category, cmd.valid_until,
                              cmd.reason_code)).raise_if_any()
    today = decision_date(cmd.decided_on, deps.clock())
    urgency, event = _DECIDERS[cmd.decision](candidate, cmd, today, deps, uow)
    uow.candidates.save(candidate)
    decision_id = uow.decisions.add(candidate_id=candidate.id, urgency=urgency,
                                    decision=str(cmd.decision), reason=cmd.reason,
                                    decided_on=today, reason_code=cmd.reason_code,
                                    article=cmd.article)
    uow.emit(event)
    uow.commit()
    return Created({
        "id": decision_id, "candidateId": candidate.id, "decision": str(cmd.decision),
        "category": str(urgency.category), "municipality": urgency.municipality,
        "decidedOn": today.isoformat(),
        "validUntil": urgency.valid_until.isoformat() if urgency.valid_until else None,
        "reason": cmd.reason,
        "reasonCode": str(cmd.reason_code) if cmd.reason_code else None,
        "article": cmd.article,
    })


def _validity(uow: IntakeUnitOfWork, candidate: Candidate, category: str, today: date,
              deps: Deps) -> Validity:
    """The agreement in force for the candidate's municipality, else the configured days."""
    days = agreed_validity_days(uow.agreements.in_force_on(today),
                                candidate.situation.registration_municipality, str(category),
                                today)
    if days is None:
        return Validity(deps.urgency_validity_days, from_agreement=False)
    return Validity(days, from_agreement=True)


def _grant_or_refuse(candidate: Candidate, cmd: c.DecideUrgency, today: date, deps: Deps,
                     uow: IntakeUnitOfWork):
    valid_until = urgency_valid_until(cmd.decision, cmd.valid_until, today,
                                      _validity(uow, candidate, cmd.category, today, deps))
    urgency = candidate.decide_urgency(decision=cmd.decision, category=cmd.category,
                                       municipality=cmd.caller.org, today=today,
                                       valid_until=valid_until)
    if cmd.decision is Decision.GRANTED:
        return urgency, UrgencyGranted(
            candidate_id=candidate.id, municipality=urgency.municipality,
            category=urgency.category, granted_on=today, valid_until=valid_until,
            article=cmd.article)
    return urgency, UrgencyRefused(
        candidate_id=candidate.id, municipality=urgency.municipality,
        category=urgency.category, refused_on=today, article=cmd.article)


def _revoke(candidate: Candidate, cmd: c.DecideUrgency, today: date, deps: Deps,
            uow: IntakeUnitOfWork):
    urgency = candidate.revoke_urgency(today)
    return urgency, UrgencyRevoked(
        candidate_id=candidate.id, municipality=urgency.municipality, revoked_on=today,
        reason_code=str(cmd.reason_code), article=cmd.article)


def _extend(candidate: Candidate, cmd: c.DecideUrgency, today: date, deps: Deps,
            uow: IntakeUnitOfWork):
    """An extension runs at most the agreement's validity from the day it is decided."""
    current = candidate.urgency.category if candidate.urgency else None
    validity = _validity(uow, candidate, current, today, deps)
    urgency_valid_until(Decision.GRANTED, cmd.valid_until, today, validity)
    urgency = candidate.extend_urgency(cmd.valid_until)
    return urgency, UrgencyExtended(
        candidate_id=candidate.id, municipality=urgency.municipality,
        category=urgency.category, extended_on=today, valid_until=urgency.valid_until,
        article=cmd.article)


_DECIDERS = {Decision.GRANTED: _grant_or_refuse, Decision.REFUSED: _grant_or_refuse,
             Decision.REVOKED: _revoke, Decision.EXTENDED: _extend}


def apply_for_urgency(cmd: c.ApplyForUrgency, uow: IntakeUnitOfWork, deps: Deps) -> Result:
    candidate = uow.candidates.get(cmd.candidate_id, for_update=True)
    if candidate is None or not _may_apply(cmd.caller, candidate):
        raise NotFound()
    candidate.require_active("applied for")
    today = deps.clock()
    municipality = candidate.situation.registration_municipality
    application_id = uow.applications.add(
        candidate_id=candidate.id, applied_by=cmd.caller.org, role=cmd.caller.role,
        category=str(cmd.category), applied_on=today, references=cmd.document_references)
    uow.emit(UrgencyApplied(candidate_id=candidate.id, municipality=municipality,
                            category=cmd.category, applied_on=today,
                            applied_by=cmd.caller.org))
    _log_access(uow, cmd.caller, [candidate.id], "applied", cmd.purpose)
    uow.commit()
    return Created({
        "id": application_id, "candidateId": candidate.id, "category": str(cmd.category),
        "municipality": municipality, "appliedOn": today.isoformat(),
        "appliedBy": cmd.caller.org, "documentReferences": list(cmd.document_references),
    })


def _may_apply(caller: c.Caller, candidate: Candidate) -> bool:
    if caller.role == Role.MUNICIPALITY:
        return candidate.situation.registration_municipality == caller.org
    return candidate.registered_by == caller.org


def expire_urgencies(cmd: c.ExpireUrgencies, uow: IntakeUnitOfWork, deps: Deps) -> Result:
    """Granted urgencies past their last valid day expire, each exactly once: the row is
    locked and re-checked before the state change and its event commit together."""
    today = cmd.today or deps.clock()
    expired = []
    for candidate_id in uow.candidates.ids_with_lapsed_urgency(today):
        candidate = uow.candidates.get(candidate_id, for_update=True)
        if candidate and candidate.expire_urgency(today):
            uow.candidates.save(candidate)
            uow.emit(UrgencyExpired(candidate_id=candidate.id,
                                    municipality=candidate.urgency.municipality,
                                    expired_on=candidate.urgency.expired_on))
            expired.append(candidate.id)
    uow.idempotency.purge_before(utcnow() - IDEMPOTENCY_RETENTION)
    uow.commit()
    return Found({"expired": expired})


def on_placement_event(uow: IntakeUnitOfWork, received: Received, deps: Deps) -> None:
    """Consumer handler for allocation.placements.v1: a placed candidate is housed.

    The event processor commits this together with its ledger row."""
    event = received.event
    if not isinstance(event, CandidatePlaced):
        return
    candidate = uow.candidates.get(event.candidate_id, for_update=True)
    if candidate is None:
        # not ours (another environment's candidate): nothing to do and nothing to repair
        log.info("placement for an unknown candidate", extra={"candidate_id": event.candidate_id})
        return
    if candidate.mark_housed(event.move_in_date):
        uow.candidates.save(candidate)


def on_urgency_input(uow: IntakeUnitOfWork, received: Received, deps: Deps) -> None:
    """Consumer handler for registry.agreements.v1 (the validity per category) and
    allocation.proposals.v1 (a lapse: allocation ended the urgency). The event processor
    commits this together with its ledger row."""
    event = received.event
    if isinstance(event, AgreementPublished):
        uow.agreements.upsert(AgreementTerms(
            event.scope, event.period, event.version, event.period_start, event.period_end,
            frozenset(event.municipalities),
            {str(rule.category): rule.validity_days for rule in event.categories}))
    elif isinstance(event, CandidateLapsed):
        candidate = uow.candidates.get(event.candidate_id, for_update=True)
        if candidate is not None and candidate.record_lapse(event.lapsed_on):
            uow.candidates.save(candidate)
            uow.emit(UrgencyLapsed(candidate_id=candidate.id, municipality=event.municipality,
                                   lapsed_on=event.lapsed_on, reason_code=event.reason_code))


# --- helpers ------------------------------------------------------------------------------


def _owned(uow: IntakeUnitOfWork, caller: c.Caller, candidate_id: str, *,
           for_update: bool = False) -> Candidate:
    candidate = uow.candidates.get(candidate_id, for_update=for_update)
    if candidate is None or candidate.registered_by != caller.org:
        raise NotFound()
    return candidate


def _log_access(uow: IntakeUnitOfWork, caller: c.Caller, ids: list[str], action: str,
                endpoint: str) -> None:
    uow.access_log.record(org=caller.org, role=caller.role, candidate_ids=ids, action=action,
                          endpoint=endpoint, person_subject=caller.person_subject,
                          person_email=caller.person_email)


def _canonical(person: Person, situation: Situation) -> str:
    return json.dumps({"person": asdict(person), "situation": asdict(situation)},
                      sort_keys=True, default=str)


def _stored_key(key: str, deps: Deps) -> str:
    """Keys are kept hashed: a client may well use a client number, or even a BSN, as key."""
    return fingerprint_of(f"idempotency-key:{key}", deps.pseudonym_key)


def _replay(uow: IntakeUnitOfWork, caller: c.Caller, scope: str, key: str | None,
            fingerprint: str, deps: Deps) -> Created | None:
    if not key:
        return None
    stored = uow.idempotency.find(caller.org, scope, _stored_key(key, deps))
    if stored is None:
        return None
    first_fingerprint, body = stored
    if first_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return Created(body, replayed=True)


def _remember(uow: IntakeUnitOfWork, caller: c.Caller, scope: str, key: str | None,
              fingerprint: str, body: dict, candidate_id: str | None,
              deps: Deps) -> None:
    if key:
        uow.idempotency.remember(org=caller.org, scope=scope, key=_stored_key(key, deps),
                                 fingerprint=fingerprint, body=body,
                                 candidate_id=candidate_id)


HANDLERS: dict[type, Callable[..., Result]] = {
    c.RegisterCandidate: register,
    c.ImportCandidates: import_candidates,
    c.ReadCandidate: read,
    c.ListCandidates: list_candidates,
    c.AmendCandidate: amend,
    c.WithdrawCandidate: withdraw,
    c.EraseCandidate: erase,
    c.DecideUrgency: decide_urgency,
    c.ApplyForUrgency: apply_for_urgency,
    c.ExpireUrgencies: expire_urgencies,
}
# Writes that may lose a race on a unique key (pseudonym, Idempotency-Key): run once more,
# and the second run sees the winner (409 duplicate, or a replay of the first answer).
RETRY_ON_CONFLICT = (c.RegisterCandidate, c.ImportCandidates)
RETRY = Retry(attempts=2, only=RETRY_ON_CONFLICT)
