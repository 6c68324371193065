"""Repositories: map the registry's domain objects to rows and back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.registry.adapters.tables import (
    AgreementRow,
    DwellingRow,
    MunicipalityRow,
    VacancyRow,
)
from services.registry.domain.agreements import Agreement, AgreementTerms, CategoryRule
from services.registry.domain.dwellings import Dwelling
from services.registry.domain.municipalities import MunicipalityRecord
from services.registry.domain.vacancies import Vacancy, VacancySource, VacancyStatus
from shared.contracts.periods import utcnow
from shared.contracts.vocabulary import Accessibility, TargetGroup, TenantType


class MunicipalityRepository:
    def __init__(self, session: Session):
        self.session = session

    def all(self, region: str | None = None) -> list[MunicipalityRecord]:
        query = select(MunicipalityRow).order_by(MunicipalityRow.code)
        if region is not None:
            query = query.where(MunicipalityRow.region == region)
        return [_municipality(row) for row in self.session.scalars(query)]

    def get(self, code: str) -> MunicipalityRecord | None:
        row = self.session.get(MunicipalityRow, code)
        return _municipality(row) if row else None

    def codes(self) -> frozenset[str]:
        return frozenset(self.session.scalars(select(MunicipalityRow.code)))

    def seeded_fingerprints(self) -> dict[str, str | None]:
        rows = self.session.execute(
            select(MunicipalityRow.code, MunicipalityRow.seeded_fingerprint))
        return {code: fingerprint for code, fingerprint in rows}

    def put(self, record: MunicipalityRecord, *, seeded_fingerprint: str | None = None) -> None:
        """Insert or replace; a seeded fingerprint is kept unless a new one is given."""
        row = self.session.get(MunicipalityRow, record.code)
        values = dict(name=record.name, region=record.region, province=record.province,
                      population=record.population,
                      care_providers=list(record.care_providers), updated_at=utcnow())
        if row is None:
            row = MunicipalityRow(code=record.code, seeded_fingerprint=seeded_fingerprint,
                                  **values)
            self.session.add(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            if seeded_fingerprint is not None:
                row.seeded_fingerprint = seeded_fingerprint
        self.session.flush()


def _municipality(row: MunicipalityRow) -> MunicipalityRecord:
    return MunicipalityRecord(row.code, row.name, row.region, row.province, row.population,
                              tuple(row.care_providers))


class DwellingRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, bag_id: str) -> Dwelling | None:
        row = self.session.get(DwellingRow, bag_id)
        return _dwelling(row) if row else None

    def get_many(self, bag_ids: Iterable[str]) -> dict[str, Dwelling]:
        ids = list(bag_ids)
        rows = self.session.scalars(select(DwellingRow).where(DwellingRow.bag_id.in_(ids)))
        return {row.bag_id: _dwelling(row) for row in rows}

    def put(self, dwelling: Dwelling) -> None:
        row = self.session.get(DwellingRow, dwelling.bag_id)
        now = utcnow()
        values = dict(corporation=dwelling.corporation, municipality=dwelling.municipality,
                      rooms=dwelling.rooms, monthly_rent=dwelling.monthly_rent,
                      accessibility=str(dwelling.accessibility),
                      care_suitable=dwelling.care_suitable,
                      neighbourhood=dwelling.neighbourhood, updated_at=now)
        if row is None:
            self.session.add(DwellingRow(bag_id=dwelling.bag_id, created_at=now, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
        self.session.flush()

    def page(self, corporation: str, page: int, page_size: int,
             municipality: str | None = None) -> tuple[list[Dwelling], int]:
        where = [DwellingRow.corporation == corporation]
        if municipality:
            where.append(DwellingRow.municipality == municipality)
        total = self.session.scalar(select(func.count()).select_from(DwellingRow).where(*where))
        rows = self.session.scalars(
            select(DwellingRow).where(*where).order_by(DwellingRow.bag_id)
            .offset((page - 1) * page_size).limit(page_size))
        return [_dwelling(row) for row in rows], total

    def count_by_municipality(self) -> dict[str, int]:
        rows = self.session.execute(
            select(DwellingRow.municipality, func.count()).group_by(DwellingRow.municipality))
        return {code: count for code, count in rows}


def _dwelling(row: DwellingRow) -> Dwelling:
    return Dwelling(row.bag_id, row.municipality, row.corporation, row.rooms,
                    float(row.monthly_rent), Accessibility(row.accessibility),
                    bool(row.care_suitable), row.neighbourhood)


class VacancyRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, vacancy_id: str, *, for_update: bool = False) -> Vacancy | None:
        query = select(VacancyRow).where(VacancyRow.id == vacancy_id)
        if for_update:
            query = query.with_for_update()  # PostgreSQL; SQLite locks at BEGIN IMMEDIATE
        row = self.session.scalars(query).first()
        return _vacancy(row) if row else None

    def open_for(self, bag_id: str) -> Vacancy | None:
        row = self.session.scalars(
            select(VacancyRow).where(VacancyRow.open_bag_id == bag_id)).first()
        return _vacancy(row) if row else None

    def latest_for(self, bag_id: str) -> Vacancy | None:
        row = self.session.scalars(
            select(VacancyRow).where(VacancyRow.bag_id == bag_id)
            .order_by(VacancyRow.announced_at.desc(), VacancyRow.id)).first()
        return _vacancy(row) if row else None

    def add(self, vacancy: Vacancy) -> None:
        self.session.add(VacancyRow(id=vacancy.id, updated_at=utcnow(), **_columns(vacancy)))
        self.session.flush()  # a second open vacancy of the dwelling fails here

    def save(self, vacancy: Vacancy) -> None:
        self.session.execute(update(VacancyRow).where(VacancyRow.id == vacancy.id)
                             .values(updated_at=utcnow(), **_columns(vacancy)))

    def page(self, corporation: str, status: VacancyStatus | None, page: int,
             page_size: int) -> tuple[list[Vacancy], int]:
        where = [VacancyRow.corporation == corporation]
        if status is not None:
            where.append(VacancyRow.status == str(status))
        total = self.session.scalar(select(func.count()).select_from(VacancyRow).where(*where))
        rows = self.session.scalars(
            select(VacancyRow).where(*where)
            .order_by(VacancyRow.announced_at.desc(), VacancyRow.id)
            .offset((page - 1) * page_size).limit(page_size))
        return [_vacancy(row) for row in rows], total

    def lettings_by_municipality(self, start: date, end: date) -> dict[str, int]:
        rows = self.session.execute(
            select(VacancyRow.municipality, func.count())
            .where(VacancyRow.status == str(VacancyStatus.LET), VacancyRow.let_on >= start,
                   VacancyRow.let_on <= end)
            .group_by(VacancyRow.municipality))
        return {code: count for code, count in rows}


def _columns(vacancy: Vacancy) -> dict:
    return dict(
        bag_id=vacancy.bag_id, corporation=vacancy.corporation,
        municipality=vacancy.municipality, status=str(vacancy.status),
        open_bag_id=vacancy.bag_id if vacancy.status is VacancyStatus.OPEN else None,
        source=str(vacancy.source), available_from=vacancy.available_from,
        announced_at=vacancy.announced_at, withdrawn_on=vacancy.withdrawn_on,
        let_on=vacancy.let_on,
        tenant_type=str(vacancy.tenant_type) if vacancy.tenant_type else None,
    )


def _vacancy(row: VacancyRow) -> Vacancy:
    return Vacancy(
        id=row.id, bag_id=row.bag_id, corporation=row.corporation,
        municipality=row.municipality, available_from=row.available_from,
        announced_at=row.announced_at, source=VacancySource(row.source),
        status=VacancyStatus(row.status), withdrawn_on=row.withdrawn_on, let_on=row.let_on,
        tenant_type=TenantType(row.tenant_type) if row.tenant_type else None,
    )


class AgreementRepository:
    def __init__(self, session: Session):
        self.session = session

    def latest_version(self, scope: str, period: str) -> int:
        return self.session.scalar(
            select(func.coalesce(func.max(AgreementRow.version), 0))
            .where(AgreementRow.scope == scope, AgreementRow.period == period))

    def get(self, scope: str, period: str, version: int | None = None) -> Agreement | None:
        if version is None:
            version = self.latest_version(scope, period)
        row = self.session.get(AgreementRow, (scope, period, version))
        return _agreement(row) if row else None

    def add(self, agreement: Agreement) -> None:
        terms = agreement.terms
        self.session.add(AgreementRow(
            scope=agreement.scope, period=agreement.period, version=agreement.version,
            period_start=agreement.period_start, period_end=agreement.period_end,
            urgent_share=terms.urgent_share, cap_share=terms.cap_share,
            key_weights=dict(terms.key_weights),
            expected_lettings_given=terms.expected_lettings,
            categories=[{"category": str(c.category), "validityDays": c.validity_days,
                         "lapseAfterRefusals": c.lapse_after_refusals,
                         "lapseAfterUnanswered": c.lapse_after_unanswered}
                        for c in terms.categories],
            carry_over=dict(terms.carry_over), municipalities=list(agreement.municipalities),
            result=agreement.result, targets=list(agreement.targets), basis=agreement.basis,
            published_by=agreement.published_by, published_at=agreement.published_at,
            stapeling_threshold=terms.stapeling_threshold,
        ))
        self.session.flush()  # a concurrent publication of the same version fails here


def _agreement(row: AgreementRow) -> Agreement:
    terms = AgreementTerms(
        urgent_share=row.urgent_share, key_weights=dict(row.key_weights),
        categories=tuple(CategoryRule(TargetGroup(c["category"]), c["validityDays"],
                                      c.get("lapseAfterRefusals"),
                                      c.get("lapseAfterUnanswered"))
                         for c in row.categories),
        cap_share=row.cap_share, expected_lettings=row.expected_lettings_given,
        carry_over=dict(row.carry_over), stapeling_threshold=row.stapeling_threshold,
    )
    return Agreement(
        scope=row.scope, period=row.period, version=row.version,
        period_start=row.period_start, period_end=row.period_end, terms=terms,
        municipalities=tuple(row.municipalities), result=dict(row.result),
        targets=tuple(row.targets), basis=dict(row.basis), published_by=row.published_by,
        published_at=row.published_at,
    )
