"""Use cases of the corporations' stock: one dwelling, a CSV import, reads."""

from __future__ import annotations

from dataclasses import dataclass

from services.registry.domain.dwellings import (
    Dwelling,
    Upsert,
    check_owner,
    dwelling_errors,
    upsert_kind,
)
from services.registry.domain.errors import (
    Collected,
    ImportRejected,
    InvalidInput,
    NotFound,
    RowError,
)
from services.registry.domain.fairshare import FieldError
from services.registry.domain.rules import bag_id_error, municipality_error
from services.registry.service import commands as c
from services.registry.service.deps import Deps
from services.registry.service.events import dwelling_upserted
from services.registry.service.uow import RegistryUnitOfWork
from shared.pagination import Page


@dataclass(frozen=True)
class Upserted:
    dwelling: Dwelling
    kind: Upsert


def upsert_dwelling(cmd: c.UpsertDwelling, uow: RegistryUnitOfWork, deps: Deps) -> Upserted:
    """Create or replace one dwelling; publish only when something changed."""
    dwelling = cmd.dwelling
    errors = dwelling_errors(dwelling, uow.municipalities.codes())
    if errors:
        raise InvalidInput(errors)
    existing = uow.dwellings.get(dwelling.bag_id)
    check_owner(existing, dwelling.corporation)
    kind = _store(uow, existing, dwelling)
    uow.commit()
    return Upserted(dwelling, kind)


def import_dwellings(cmd: c.ImportDwellings, uow: RegistryUnitOfWork,
                     deps: Deps) -> list[tuple[int, Upserted]]:
    """All rows or none: a file with any bad row stores nothing and reports every error."""
    known = uow.municipalities.codes()
    parsed = [row.dwelling for row in cmd.rows if row.dwelling is not None]
    existing = uow.dwellings.get_many(d.bag_id for d in parsed)
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    accepted: list[tuple[int, Dwelling]] = []
    if not cmd.rows:
        errors.append(RowError(0, "file", "holds a header but no rows"))
    for row in cmd.rows:
        found = (dwelling_errors(row.dwelling, known) if row.dwelling is not None
                 else list(row.errors) + _raw_errors(row, known))
        if found:
            errors.extend(RowError(row.number, e.field, e.reason) for e in found)
            continue
        bag_id = row.dwelling.bag_id
        other = existing.get(bag_id)
        if bag_id in first_row_of:
            errors.append(RowError(row.number, "bagId",
                                   f"dwelling {bag_id} is in row {first_row_of[bag_id]} too"))
        elif other is not None and other.corporation != cmd.corporation:
            errors.append(RowError(row.number, "bagId",
                                   f"dwelling {bag_id} belongs to another corporation"))
        else:
            first_row_of[bag_id] = row.number
            accepted.append((row.number, row.dwelling))
    if errors:
        raise ImportRejected(errors, len(cmd.rows))
    report = [(number, Upserted(d, _store(uow, existing.get(d.bag_id), d)))
              for number, d in accepted]
    uow.commit()
    return report


def _raw_errors(row: c.ImportRow, known: frozenset[str]) -> list[FieldError]:
    """Identifier errors of a row that failed parsing, for fields parsing did not name."""
    named = {e.field for e in row.errors}
    found = Collected()
    if "bagId" in row.raw and "bagId" not in named:
        found.add("bagId", bag_id_error(row.raw["bagId"]))
    if "municipality" in row.raw and "municipality" not in named:
        found.add("municipality", municipality_error(row.raw["municipality"], known))
    return found.errors


def _store(uow: RegistryUnitOfWork, existing: Dwelling | None, dwelling: Dwelling) -> Upsert:
    kind = upsert_kind(existing, dwelling)
    if kind is not Upsert.UNCHANGED:
        uow.dwellings.put(dwelling)
        uow.emit(dwelling_upserted(dwelling))
    return kind


def read_dwelling(cmd: c.ReadDwelling, uow: RegistryUnitOfWork, deps: Deps) -> Dwelling:
    dwelling = uow.dwellings.get(cmd.bag_id)
    if dwelling is None or dwelling.corporation != cmd.corporation:
        raise NotFound(f"no dwelling {cmd.bag_id} of yours")
    return dwelling


def list_dwellings(cmd: c.ListDwellings, uow: RegistryUnitOfWork, deps: Deps) -> Page:
    items, total = uow.dwellings.page(cmd.corporation, cmd.page, cmd.page_size,
                                      cmd.municipality)
    return Page(items, cmd.page, cmd.page_size, total)
