"""Every command of the registry and the handler that carries it out, in one place (run by
shared.bus.MessageBus). A write that loses a race on a unique key is retried: the retry sees
the winner's row and answers accordingly (409, the next version number, ...)."""

from __future__ import annotations

from collections.abc import Callable

from services.registry.service import (
    agreements,
    reference,
    stock,
    vacancies,
    woonzorgvisie,
)
from services.registry.service import commands as c
from shared.bus import Retry

RETRY = Retry(attempts=5)

HANDLERS: dict[type, Callable] = {
    c.SeedReferenceData: reference.seed_reference_data,
    c.ChangeMunicipality: reference.change_municipality,
    c.ListMunicipalities: reference.list_municipalities,
    c.ReadMunicipality: reference.read_municipality,
    c.UpsertDwelling: stock.upsert_dwelling,
    c.ImportDwellings: stock.import_dwellings,
    c.ReadDwelling: stock.read_dwelling,
    c.ListDwellings: stock.list_dwellings,
    c.AnnounceVacancy: vacancies.announce_vacancy,
    c.WithdrawVacancy: vacancies.withdraw_vacancy,
    c.ReportLetting: vacancies.report_letting,
    c.ReadVacancy: vacancies.read_vacancy,
    c.ListVacancies: vacancies.list_vacancies,
    c.PublishAgreement: agreements.publish_agreement,
    c.ReadAgreement: agreements.read_agreement,
    c.PreviewAgreement: agreements.preview_agreement,
    c.ImportWoonzorgvisie: woonzorgvisie.import_woonzorgvisie,
}

