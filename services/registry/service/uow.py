"""Registry's unit of work: the spine's SQL unit of work plus the registry's repositories."""

from __future__ import annotations

from services.registry.adapters.repository import (
    AgreementRepository,
    DwellingRepository,
    MunicipalityRepository,
    VacancyRepository,
)
from services.registry.adapters.woonzorgvisie_repository import (
    WoonzorgvisieImportRepository,
)
from shared.messaging.uow import SqlUnitOfWork


class RegistryUnitOfWork(SqlUnitOfWork):
    def _open_repositories(self) -> None:
        self.municipalities = MunicipalityRepository(self.session)
        self.dwellings = DwellingRepository(self.session)
        self.vacancies = VacancyRepository(self.session)
        self.agreements = AgreementRepository(self.session)
        self.woonzorgvisie = WoonzorgvisieImportRepository(self.session)
