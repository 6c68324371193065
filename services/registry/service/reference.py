"""Use cases of reference data: seeding from the reference file, the admin's changes, reads."""

from __future__ import annotations

import logging

from services.registry.domain.errors import Collected, InvalidInput, NotFound
from services.registry.domain.municipalities import MunicipalityRecord, plan_seed
from services.registry.domain.rules import cbs_code_error
from services.registry.service import commands as c
from services.registry.service.deps import Deps
from services.registry.service.events import municipality_upserted
from services.registry.service.uow import RegistryUnitOfWork

log = logging.getLogger(__name__)


def seed_reference_data(cmd: c.SeedReferenceData, uow: RegistryUnitOfWork,
                        deps: Deps) -> list[str]:
    """Store new municipalities and re-apply changed reference values; publish only those.

    Idempotent: a restart with the same file publishes nothing, and the admin's changes
    stay until the file itself changes. Returns the codes that were published.
    """
    published = []
    for plan in plan_seed(cmd.reference, uow.municipalities.seeded_fingerprints()):
        if plan.action == "keep":
            continue
        current = uow.municipalities.get(plan.record.code)
        uow.municipalities.put(plan.record, seeded_fingerprint=plan.record.fingerprint())
        if current != plan.record:
            uow.emit(municipality_upserted(plan.record))
            published.append(plan.record.code)
    uow.commit()
    if published:
        log.info("reference data applied", extra={"municipalities": published})
    return published


def change_municipality(cmd: c.ChangeMunicipality, uow: RegistryUnitOfWork,
                        deps: Deps) -> tuple[MunicipalityRecord, bool]:
    """The admin changes population, region or care providers; (record, changed)."""
    code_error = cbs_code_error(cmd.code)
    if code_error:
        raise InvalidInput.of("code", code_error)
    current = uow.municipalities.get(cmd.code)
    if current is None:
        raise NotFound(f"no municipality {cmd.code} in the registry")
    found = Collected()
    found.add("region", _region_error(deps, cmd.region, current.province))
    found.add("population", "must not be negative" if cmd.population < 0 else None)
    found.raise_if_any()
    new = current.changed(name=cmd.name, region=cmd.region, population=cmd.population,
                          care_providers=cmd.care_providers)
    if new == current:
        return current, False
    uow.municipalities.put(new)
    uow.emit(municipality_upserted(new))
    uow.commit()
    return new, True


def _region_error(deps: Deps, region_id: str, province: str) -> str | None:
    try:
        region = deps.reference.region(region_id)
    except KeyError:
        known = ", ".join(r.id for r in deps.reference.regions)
        return f"unknown region {region_id!r}; one of {known}"
    if province not in region.provinces:
        return f"region {region_id} does not lie in province {province}"
    return None


def list_municipalities(cmd: c.ListMunicipalities, uow: RegistryUnitOfWork,
                        deps: Deps) -> list[MunicipalityRecord]:
    return uow.municipalities.all(cmd.region)


def read_municipality(cmd: c.ReadMunicipality, uow: RegistryUnitOfWork,
                      deps: Deps) -> MunicipalityRecord:
    record = uow.municipalities.get(cmd.code)
    if record is None:
        raise NotFound(f"no municipality {cmd.code} in the registry")
    return record
