"""Where each service's parts live, for the launcher, the CLI and the tests."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from shared.settings import (
    REPO_ROOT,
    AllocationSettings,
    IntakeSettings,
    MonitoringSettings,
    PortalSettings,
    RegistrySettings,
    WoonregieSettings,
)


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    settings_class: type[WoonregieSettings]
    has_worker: bool

    @property
    def api_factory(self) -> str:
        return f"services.{self.name}.api.app:create_app"

    @property
    def migrations(self) -> Path:
        return REPO_ROOT / "services" / self.name / "adapters" / "migrations"

    def metadata(self):
        return importlib.import_module(f"services.{self.name}.adapters.tables").Base.metadata

    def worker_module(self) -> str:
        return f"services.{self.name}.worker.app"


SERVICES: dict[str, ServiceSpec] = {
    spec.name: spec
    for spec in (
        ServiceSpec("registry", RegistrySettings, has_worker=False),
        ServiceSpec("intake", IntakeSettings, has_worker=False),
        ServiceSpec("allocation", AllocationSettings, has_worker=True),
        ServiceSpec("monitoring", MonitoringSettings, has_worker=False),
        ServiceSpec("portal", PortalSettings, has_worker=False),
    )
}
