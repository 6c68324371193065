"""Repositories: map candidates to rows, sealing personal data on the way in."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from services.intake.adapters.crypto import PersonalDataCipher
from services.intake.adapters.tables import (
    AccessLogRow,
    AgreementRow,
    CandidateRow,
    IdempotencyRow,
    UrgencyApplicationRow,
    UrgencyDecisionRow,
)
from services.intake.domain.model import (
    Candidate,
    CandidateStatus,
    NeedsSpec,
    Person,
    Situation,
    Urgency,
    UrgencyStatus,
    WithdrawalReason,
)
from services.intake.domain.validity import AgreementTerms
from shared.contracts.periods import utcnow
from shared.contracts.vocabulary import Accessibility, AgeBand, IncomeClass, TargetGroup


class CandidateRepository:
    def __init__(self, session: Session, cipher: PersonalDataCipher):
        self.session = session
        self.cipher = cipher

    def add(self, candidate: Candidate) -> None:
        now = utcnow()
        row = CandidateRow(id=candidate.id, created_at=now, updated_at=now,
                           **self._columns(candidate))
        self.session.add(row)
        self.session.flush()  # a duplicate pseudonym fails here, inside the transaction

    def get(self, candidate_id: str, *, for_update: bool = False) -> Candidate | None:
        query = select(CandidateRow).where(CandidateRow.id == candidate_id)
        if for_update:
            query = query.with_for_update()  # PostgreSQL; SQLite locks at BEGIN IMMEDIATE
        row = self.session.scalars(query).first()
        return self._candidate(row) if row else None

    def save(self, candidate: Candidate) -> None:
        self.session.execute(
            update(CandidateRow).where(CandidateRow.id == candidate.id)
            .values(updated_at=utcnow(), **self._columns(candidate))
        )

    def id_with_pseudonym(self, pseudonym: str) -> tuple[str, str] | None:
        """(candidate id, registering org) of the active candidate with this pseudonym."""
        row = self.session.execute(
            select(CandidateRow.id, CandidateRow.registered_by)
            .where(CandidateRow.active_pseudonym == pseudonym)
        ).first()
        return (row.id, row.registered_by) if row else None

    def page(self, *, registered_by: str | None = None, municipality: str | None = None,
             status: CandidateStatus | None = None, offset: int = 0,
             limit: int = 20) -> tuple[list[Candidate], int]:
        conditions = []
        if registered_by is not None:
            conditions.append(CandidateRow.registered_by == registered_by)
        if municipality is not None:
            conditions.append(CandidateRow.registration_municipality == municipality)
        if status is not None:
            conditions.append(CandidateRow.status == str(status))
        total = self.session.scalar(select(func.count()).select_from(CandidateRow)
                                    .where(*conditions))
        rows = self.session.scalars(
            select(CandidateRow).where(*conditions)
            .order_by(CandidateRow.created_at, CandidateRow.id).offset(offset).limit(limit)
        ).all()
        return [self._candidate(row) for row in rows], total

    def ids_with_lapsed_urgency(self, today: date) -> list[str]:
        return list(self.session.scalars(
            select(CandidateRow.id).where(
                CandidateRow.status == str(CandidateStatus.ACTIVE),
                CandidateRow.urgency_status == str(UrgencyStatus.GRANTED),
                CandidateRow.urgency_valid_until < today,
            ).order_by(CandidateRow.urgency_valid_until, CandidateRow.id)
        ))

    def _columns(self, c: Candidate) -> dict:
        s, u = c.situation, c.urgency
        return dict(
            registered_by=c.registered_by, registered_on=c.registered_on, status=str(c.status),
            active_pseudonym=c.pseudonym,
            person_sealed=self.cipher.seal(_person_document(c.person)) if c.person else None,
            household_size=s.household_size, target_group=str(s.target_group),
            needs=_needs_document(s.needs), registration_municipality=s.registration_municipality,
            preferred_municipalities=list(s.preferred_municipalities),
            excluded_municipalities=list(s.excluded_municipalities),
            region_binding=s.region_binding, available_from=s.available_from,
            age_band=str(c.age_band), income_class=str(c.income_class),
            urgency_status=str(u.status) if u else None,
            urgency_category=str(u.category) if u else None,
            urgency_municipality=u.municipality if u else None,
            urgency_decided_on=u.decided_on if u else None,
            urgency_valid_until=u.valid_until if u else None,
            urgency_expired_on=u.expired_on if u else None,
            withdrawn_on=c.withdrawn_on,
            withdrawal_reason=str(c.withdrawal_reason) if c.withdrawal_reason else None,
            housed_on=c.housed_on, erased_on=c.erased_on,
        )

    def _candidate(self, row: CandidateRow) -> Candidate:
        person = None
        if row.person_sealed:
            document = self.cipher.open(row.person_sealed)
            person = Person(bsn=document["bsn"], name=document.get("name"),
                            birth_year=document.get("birthYear"),
                            yearly_income=document["yearlyIncome"])
        urgency = None
        if row.urgency_status:
            urgency = Urgency(UrgencyStatus(row.urgency_status),
                              TargetGroup(row.urgency_category), row.urgency_municipality,
                              row.urgency_decided_on, row.urgency_valid_until,
                              row.urgency_expired_on)
        needs = row.needs
        situation = Situation(
            household_size=row.household_size, target_group=TargetGroup(row.target_group),
            needs=NeedsSpec(Accessibility(needs["accessibility"]), needs.get("minRooms"),
                            bool(needs.get("ambulantSupport")), needs.get("careProvider")),
            registration_municipality=row.registration_municipality,
            preferred_municipalities=tuple(row.preferred_municipalities),
            excluded_municipalities=tuple(row.excluded_municipalities),
            region_binding=row.region_binding, available_from=row.available_from,
        )
        return Candidate(
            id=row.id, registered_by=row.registered_by, registered_on=row.registered_on,
            person=person, pseudonym=row.active_pseudonym, situation=situation,
            age_band=AgeBand(row.age_band), income_class=IncomeClass(row.income_class),
            status=CandidateStatus(row.status), urgency=urgency, withdrawn_on=row.withdrawn_on,
            withdrawal_reason=(WithdrawalReason(row.withdrawal_reason)
                               if row.withdrawal_reason else None),
            housed_on=row.housed_on, erased_on=row.erased_on,
        )


class UrgencyDecisionLog:
    def __init__(self, session: Session, cipher: PersonalDataCipher):
        self.session = session
        self.cipher = cipher

    def add(self, *, candidate_id: str, urgency: Urgency, decision: str,
            reason: str | None, decided_on: date | None = None,
            reason_code: str | None = None, article: str | None = None) -> str:
        decision_id = str(uuid.uuid4())
        self.session.add(UrgencyDecisionRow(
            id=decision_id, candidate_id=candidate_id, municipality=urgency.municipality,
            decision=decision, category=str(urgency.category),
            decided_on=decided_on or urgency.decided_on, valid_until=urgency.valid_until,
            reason_code=str(reason_code) if reason_code else None, article=article,
            reason_sealed=self.cipher.seal({"reason": reason}) if reason else None,
            decided_at=utcnow(),
        ))
        return decision_id

    def forget_reasons(self, candidate_id: str) -> None:
        self.session.execute(update(UrgencyDecisionRow)
                             .where(UrgencyDecisionRow.candidate_id == candidate_id)
                             .values(reason_sealed=None))


class UrgencyApplications:
    def __init__(self, session: Session, cipher: PersonalDataCipher):
        self.session = session
        self.cipher = cipher

    def add(self, *, candidate_id: str, applied_by: str, role: str, category: str,
            applied_on: date, references: tuple[str, ...]) -> str:
        application_id = str(uuid.uuid4())
        self.session.add(UrgencyApplicationRow(
            id=application_id, candidate_id=candidate_id, applied_by=applied_by, role=role,
            category=category, applied_on=applied_on,
            references_sealed=(self.cipher.seal({"references": list(references)})
                               if references else None),
            applied_at=utcnow()))
        return application_id

    def forget_references(self, candidate_id: str) -> None:
        self.session.execute(update(UrgencyApplicationRow)
                             .where(UrgencyApplicationRow.candidate_id == candidate_id)
                             .values(references_sealed=None))


class AgreementStore:
    def __init__(self, session: Session):
        self.session = session

    def upsert(self, terms: AgreementTerms) -> bool:
        """Keeps the latest version per scope and period; False for an older one."""
        row = self.session.get(AgreementRow, (terms.scope, terms.period))
        if row is not None and row.version > terms.version:
            return False
        values = dict(version=terms.version, period_start=terms.start, period_end=terms.end,
                      municipalities=sorted(terms.municipalities),
                      validity_days=dict(terms.validity_days))
        if row is None:
            self.session.add(AgreementRow(scope=terms.scope, period=terms.period, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
            self.session.add(row)
        return True

    def in_force_on(self, day: date) -> list[AgreementTerms]:
        rows = self.session.scalars(select(AgreementRow).where(
            AgreementRow.period_start <= day, AgreementRow.period_end >= day))
        return [AgreementTerms(r.scope, r.period, r.version, r.period_start, r.period_end,
                               frozenset(r.municipalities), dict(r.validity_days))
                for r in rows]


class AccessLog:
    def __init__(self, session: Session):
        self.session = session

    def record(self, *, org: str, role: str, candidate_ids: list[str], action: str,
               endpoint: str, person_subject: str | None = None,
               person_email: str | None = None) -> None:
        now = utcnow()
        for candidate_id in candidate_ids:
            self.session.add(AccessLogRow(at=now, org=org, role=role, candidate_id=candidate_id,
                                          action=action, endpoint=endpoint,
                                          person_subject=person_subject,
                                          person_email=person_email))

    def entries(self, candidate_id: str) -> list[AccessLogRow]:
        return list(self.session.scalars(
            select(AccessLogRow).where(AccessLogRow.candidate_id == candidate_id)
            .order_by(AccessLogRow.id)
        ))


class IdempotencyStore:
    def __init__(self, session: Session, cipher: PersonalDataCipher):
        self.session = session
        self.cipher = cipher

    def find(self, org: str, scope: str, key: str) -> tuple[str, dict] | None:
        """(fingerprint, body) of the first answer (a creation), if any."""
        row = self.session.get(IdempotencyRow, (org, scope, key))
        if row is None:
            return None
        return row.fingerprint, self.cipher.open(row.response_sealed)

    def remember(self, *, org: str, scope: str, key: str, fingerprint: str, body: dict,
                 candidate_id: str | None) -> None:
        # only creations are remembered; the column keeps the status they were answered with
        self.session.add(IdempotencyRow(
            org=org, scope=scope, key=key, fingerprint=fingerprint, status_code=201,
            response_sealed=self.cipher.seal(body), candidate_id=candidate_id,
            created_at=utcnow(),
        ))
        self.session.flush()

    def forget_candidate(self, candidate_id: str) -> None:
        self.session.execute(delete(IdempotencyRow)
                             .where(IdempotencyRow.candidate_id == candidate_id))

    def purge_before(self, moment: datetime) -> int:
        result = self.session.execute(delete(IdempotencyRow)
                                      .where(IdempotencyRow.created_at < moment))
        return result.rowcount or 0


def _person_document(person: Person) -> dict:
    return {"bsn": person.bsn, "name": person.name, "birthYear": person.birth_year,
            "yearlyIncome": person.yearly_income}


def _needs_document(needs: NeedsSpec) -> dict:
    return {"accessibility": str(needs.accessibility), "minRooms": needs.min_rooms,
            "ambulantSupport": needs.ambulant_support, "careProvider": needs.care_provider}
