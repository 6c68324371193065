"""Domain objects -> the registry's event contracts (shared.contracts.events)."""

from __future__ import annotations

from services.registry.domain.agreements import Agreement
from services.registry.domain.dwellings import Dwelling
from services.registry.domain.municipalities import MunicipalityRecord
from services.registry.domain.vacancies import Vacancy
from shared.contracts.events import (
    AgreementPublished,
    CategoryRule,
    DwellingFacts,
    DwellingUpserted,
    MunicipalityTarget,
    MunicipalityUpserted,
    VacancyAnnounced,
    VacancyLet,
    VacancyWithdrawn,
)


def municipality_upserted(record: MunicipalityRecord) -> MunicipalityUpserted:
    return MunicipalityUpserted(code=record.code, name=record.name, region=record.region,
                                province=record.province, population=record.population,
                                care_providers=list(record.care_providers))


def dwelling_facts(dwelling: Dwelling) -> DwellingFacts:
    return DwellingFacts(
        bag_id=dwelling.bag_id, municipality=dwelling.municipality,
        corporation=dwelling.corporation, rooms=dwelling.rooms,
        monthly_rent=dwelling.monthly_rent, accessibility=dwelling.accessibility,
        care_suitable=dwelling.care_suitable, neighbourhood=dwelling.neighbourhood,
    )


def dwelling_upserted(dwelling: Dwelling) -> DwellingUpserted:
    return DwellingUpserted(dwelling=dwelling_facts(dwelling))


def vacancy_announced(vacancy: Vacancy, dwelling: Dwelling) -> VacancyAnnounced:
    return VacancyAnnounced(vacancy_id=vacancy.id, available_from=vacancy.available_from,
                            announced_at=vacancy.announced_at,
                            dwelling=dwelling_facts(dwelling))


def vacancy_withdrawn(vacancy: Vacancy) -> VacancyWithdrawn:
    return VacancyWithdrawn(vacancy_id=vacancy.id, bag_id=vacancy.bag_id,
                            municipality=vacancy.municipality,
                            corporation=vacancy.corporation, withdrawn_on=vacancy.withdrawn_on)


def vacancy_let(vacancy: Vacancy) -> VacancyLet:
    return VacancyLet(vacancy_id=vacancy.id, bag_id=vacancy.bag_id,
                      municipality=vacancy.municipality, corporation=vacancy.corporation,
                      tenant_type=vacancy.tenant_type, let_on=vacancy.let_on)


def agreement_published(agreement: Agreement) -> AgreementPublished:
    terms = agreement.terms
    return AgreementPublished(
        scope=agreement.scope, period=agreement.period, version=agreement.version,
        period_start=agreement.period_start, period_end=agreement.period_end,
        urgent_share=terms.urgent_share, cap_share=terms.cap_share,
        key_weights=agreement.result["keyWeights"],
        expected_lettings=agreement.result["expectedLettings"],
        categories=[CategoryRule(category=c.category, validity_days=c.validity_days,
                                 lapse_after_refusals=c.lapse_after_refusals,
                                 lapse_after_unanswered=c.lapse_after_unanswered)
                    for c in terms.categories],
        municipalities=list(agreement.municipalities),
        targets=[MunicipalityTarget.model_validate(t) for t in agreement.targets],
        stapeling_threshold=terms.stapeling_threshold,
    )
