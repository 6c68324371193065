"""A municipality as the registry keeps it: the reference figures plus care coverage.

The reference data file seeds the registry; the admin may change population, region and
care providers afterwards. A record remembers the fingerprint of the reference values it was
last seeded from, so a restart re-applies the file only when the file itself changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace

from services.registry.domain.reference import ReferenceData


@dataclass(frozen=True)
class MunicipalityRecord:
    code: str
    name: str
    region: str
    province: str
    population: int
    care_providers: tuple[str, ...] = ()

    @classmethod
    def from_reference(cls, reference: ReferenceData, code: str) -> "MunicipalityRecord":
        item = reference.municipality(code)
        return cls(item.code, item.name, item.region, item.province, item.population,
                   reference.care_providers_for(code))

    def fingerprint(self) -> str:
        document = asdict(self) | {"care_providers": sorted(self.care_providers)}
        return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()

    def changed(self, *, name: str | None = None, region: str, population: int,
                care_providers: tuple[str, ...]) -> "MunicipalityRecord":
        return replace(self, name=name or self.name, region=region, population=population,
                       care_providers=tuple(sorted(set(care_providers))))


@dataclass(frozen=True)
class SeedPlan:
    """What seeding does to one municipality: insert, re-apply the file, or nothing."""

    record: MunicipalityRecord
    action: str  # "insert" | "reapply" | "keep"


def plan_seed(reference: ReferenceData,
              stored_fingerprints: dict[str, str | None]) -> list[SeedPlan]:
    """`stored_fingerprints`: code -> fingerprint of the reference values last applied."""
    plans = []
    for item in reference.municipalities:
        record = MunicipalityRecord.from_reference(reference, item.code)
        if item.code not in stored_fingerprints:
            action = "insert"
        elif stored_fingerprints[item.code] != record.fingerprint():
            action = "reapply"
        else:
            action = "keep"
        plans.append(SeedPlan(record, action))
    return plans
