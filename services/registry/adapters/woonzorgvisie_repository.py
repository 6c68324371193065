"""Woonzorgvisie imports: stored whole, one row per import version."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.registry.adapters.tables import WoonzorgvisieImportRow
from services.registry.domain.woonzorgvisie import ImportKind, WoonzorgvisieImport


class WoonzorgvisieImportRepository:
    def __init__(self, session: Session):
        self.session = session

    def latest_version(self, kind: ImportKind, org: str) -> int:
        return self.session.scalar(
            select(func.coalesce(func.max(WoonzorgvisieImportRow.version), 0))
            .where(WoonzorgvisieImportRow.kind == str(kind), WoonzorgvisieImportRow.org == org))

    def get(self, import_id: str) -> WoonzorgvisieImport | None:
        row = self.session.get(WoonzorgvisieImportRow, import_id)
        if row is None:
            return None
        return WoonzorgvisieImport(
            id=row.id, kind=ImportKind(row.kind), version=row.version, org=row.org,
            source=row.source, rows=tuple(row.rows), imported_at=row.imported_at,
            rates_import=row.rates_import, illustrative=row.illustrative)

    def add(self, record: WoonzorgvisieImport) -> None:
        self.session.add(WoonzorgvisieImportRow(
            id=record.id, kind=str(record.kind), version=record.version, org=record.org,
            source=record.source, rates_import=record.rates_import,
            illustrative=record.illustrative, rows=list(record.rows),
            imported_at=record.imported_at))
        self.session.flush()  # a concurrent import of the same version fails here
