"""Commands and queries: what the entry points (routes, the feed consumer, startup) ask of
the service layer. `corporation` and `org` are the authenticated caller's organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.registry.domain.agreements import AgreementTerms
from services.registry.domain.dwellings import Dwelling
from services.registry.domain.fairshare import FieldError
from services.registry.domain.reference import ReferenceData
from services.registry.domain.vacancies import VacancyStatus
from services.registry.domain.woonzorgvisie import ImportKind
from shared.contracts.vocabulary import TenantType

# --- reference data -----------------------------------------------------------------------


@dataclass(frozen=True)
class SeedReferenceData:
    reference: ReferenceData


@dataclass(frozen=True)
class ChangeMunicipality:
    code: str
    region: str
    population: int
    care_providers: tuple[str, ...]
    name: str | None = None


@dataclass(frozen=True)
class ListMunicipalities:
    region: str | None = None


@dataclass(frozen=True)
class ReadMunicipality:
    code: str


# --- stock --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpsertDwelling:
    dwelling: Dwelling  # its corporation is the caller's organisation


@dataclass(frozen=True)
class ImportRow:
    """One CSV row after parsing: either a dwelling, or the errors parsing found (with the
    raw identifiers, so that the domain can check those too and report every error)."""

    number: int
    dwelling: Dwelling | None = None
    errors: tuple[FieldError, ...] = ()
    raw: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportDwellings:
    corporation: str
    rows: tuple[ImportRow, ...]


@dataclass(frozen=True)
class ReadDwelling:
    corporation: str
    bag_id: str


@dataclass(frozen=True)
class ListDwellings:
    corporation: str
    page: int = 1
    page_size: int = 50
    municipality: str | None = None


# --- vacancies ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnounceVacancy:
    corporation: str
    bag_id: str
    available_from: date


@dataclass(frozen=True)
class WithdrawVacancy:
    corporation: str
    vacancy_id: str


@dataclass(frozen=True)
class ReportLetting:
    corporation: str
    vacancy_id: str
    tenant_type: TenantType
    let_on: date


@dataclass(frozen=True)
class ReadVacancy:
    corporation: str
    vacancy_id: str


@dataclass(frozen=True)
class ListVacancies:
    corporation: str
    status: VacancyStatus | None = None
    page: int = 1
    page_size: int = 50


# --- agreements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishAgreement:
    org: str
    scope: str
    period: str
    terms: AgreementTerms


@dataclass(frozen=True)
class PreviewAgreement:
    """The agreement PublishAgreement would store, computed but neither stored nor published."""

    org: str
    scope: str
    period: str
    terms: AgreementTerms


@dataclass(frozen=True)
class ReadAgreement:
    scope: str
    period: str
    version: int | None = None  # None: the latest


# --- woonzorgvisie ------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportWoonzorgvisie:
    org: str
    is_municipality: bool  # a municipality imports only its own areas
    kind: ImportKind
    source: str
    rows: tuple[tuple[int, dict[str, str] | None], ...]  # (number, cells; None: bad width)
    rates_import: str | None = None  # a population forecast: the need-rates import to use
    illustrative: bool = False  # a made-up example dataset
