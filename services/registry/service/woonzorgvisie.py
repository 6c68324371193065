"""Use case of the woonzorgvisie imports: validate every row, store the import as a new
version and publish it, or store nothing and name every error."""

from __future__ import annotations

from services.registry.domain.errors import ImportRejected, InvalidInput, RowError
from services.registry.domain.woonzorgvisie import (
    MAX_SOURCE_LENGTH,
    Allowed,
    ImportKind,
    WoonzorgvisieImport,
    rates_errors,
    validate_rows,
)
from services.registry.service import commands as c
from services.registry.service.deps import Deps
from services.registry.service.uow import RegistryUnitOfWork
from shared.contracts.events import (
    ForecastFigure,
    NeedFigure,
    NeedRate,
    ProgrammeFigure,
    WoonzorgvisieImported,
)


def import_woonzorgvisie(cmd: c.ImportWoonzorgvisie, uow: RegistryUnitOfWork,
                         deps: Deps) -> WoonzorgvisieImport:
    source = cmd.source.strip()
    if not source or len(source) > MAX_SOURCE_LENGTH:
        raise InvalidInput.of("source", f"name the source of the figures "
                                        f"(1 to {MAX_SOURCE_LENGTH} characters)")
    rates = _rates_of(cmd, uow)
    allowed = Allowed(uow.municipalities.codes(), cmd.org if cmd.is_municipality else None)
    rows, errors = validate_rows(cmd.kind, list(cmd.rows), allowed)
    if cmd.kind is ImportKind.POPULATION_FORECAST and not errors:
        errors = rates_errors(list(zip((n for n, _ in cmd.rows), rows)), rates)
    if errors:
        raise ImportRejected(errors, len(cmd.rows))
    record = WoonzorgvisieImport(
        id=deps.new_id(), kind=cmd.kind,
        version=uow.woonzorgvisie.latest_version(cmd.kind, cmd.org) + 1, org=cmd.org,
        source=source, rows=tuple(rows), imported_at=deps.now(),
        rates_import=cmd.rates_import, rates=rates, illustrative=cmd.illustrative)
    uow.woonzorgvisie.add(record)
    uow.emit(woonzorgvisie_imported(record))
    uow.commit()
    return record


def _rates_of(cmd: c.ImportWoonzorgvisie, uow: RegistryUnitOfWork) -> tuple[dict, ...]:
    """The rates a population forecast is multiplied by: a need-rates import named by id."""
    if cmd.kind is not ImportKind.POPULATION_FORECAST:
        if cmd.rates_import is not None:
            raise InvalidInput.of("rates", "only a population forecast refers to rates")
        return ()
    if not cmd.rates_import:
        raise InvalidInput.of("rates", "name the need-rates import (its id) that turns "
                                       "persons into households needing each housing type")
    rates = uow.woonzorgvisie.get(cmd.rates_import)
    if rates is None or rates.kind is not ImportKind.NEED_RATES:
        raise ImportRejected([RowError(0, "rates", f"no need-rates import {cmd.rates_import}")],
                             len(cmd.rows))
    return rates.rows


def woonzorgvisie_imported(record: WoonzorgvisieImport) -> WoonzorgvisieImported:
    figures = {
        ImportKind.HOUSING_NEED: ("need", NeedFigure),
        ImportKind.POPULATION_FORECAST: ("forecast", ForecastFigure),
        ImportKind.NEED_RATES: ("rates", NeedRate),
        ImportKind.BUILDING_PROGRAMME: ("programme", ProgrammeFigure),
    }
    field, model = figures[record.kind]
    lists = {field: [model.model_validate(row) for row in record.rows]}
    if record.kind is ImportKind.POPULATION_FORECAST:
        lists["rates"] = [NeedRate.model_validate(row) for row in record.rates]
    return WoonzorgvisieImported(
        import_id=record.id, kind=str(record.kind), version=record.version, org=record.org,
        source=record.source, imported_at=record.imported_at,
        illustrative=record.illustrative, **lists)
