"""The alert log: band statuses last seen and alerts already emitted (no alert twice)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from services.monitoring.adapters.tables import AlertRow, BandStatusRow
from shared.contracts.periods import utcnow

BAND_CHANGED = "realisation-band-changed"
PROPOSAL_STALLED = "proposal-stalled"
ACCEPTED_STALLED = "accepted-proposal-stalled"


class AlertLog:
    def __init__(self, session: Session):
        self.session = session

    # --- band statuses --------------------------------------------------------------------

    def band_statuses(self) -> dict[tuple[str, str, str], str]:
        rows = self.session.execute(select(BandStatusRow)).scalars()
        return {(r.scope, r.period, r.municipality): r.status for r in rows}

    def save_band_status(self, scope: str, period: str, municipality: str, status: str) -> None:
        row = self.session.get(BandStatusRow, (scope, period, municipality))
        if row is None:
            self.session.add(BandStatusRow(scope=scope, period=period, municipality=municipality,
                                           status=status, updated_at=utcnow()))
        else:
            row.status, row.updated_at = status, utcnow()
        self.session.flush()

    def band_alert_count(self, scope: str, period: str, municipality: str) -> int:
        return self.session.scalar(select(func.count()).select_from(AlertRow).where(
            AlertRow.kind == BAND_CHANGED, AlertRow.scope == scope, AlertRow.period == period,
            AlertRow.municipality == municipality)) or 0

    # --- alerts ---------------------------------------------------------------------------

    def stalled_proposal_ids(self) -> set[str]:
        return self._proposal_ids(PROPOSAL_STALLED)

    def accepted_stalled_ids(self) -> set[str]:
        return self._proposal_ids(ACCEPTED_STALLED)

    def _proposal_ids(self, kind: str) -> set[str]:
        rows = self.session.execute(
            select(AlertRow.proposal_id).where(AlertRow.kind == kind)).scalars()
        return {r for r in rows if r}

    def exists(self, alert_id: str) -> bool:
        return self.session.get(AlertRow, alert_id) is not None

    def add(self, alert_id: str, kind: str, *, scope: str, municipality: str, data: dict,
            period: str | None = None, proposal_id: str | None = None,
            emitted_at: datetime | None = None) -> None:
        """`emitted_at`: the alert event's time (default: now)."""
        self.session.add(AlertRow(id=alert_id, kind=kind, scope=scope, period=period,
                                  municipality=municipality, proposal_id=proposal_id, data=data,
                                  emitted_at=emitted_at or utcnow()))
        self.session.flush()

    def recent(self, limit: int, *, municipalities: set[str] | None = None,
               period: str | None = None, window: tuple[datetime, datetime] | None = None
               ) -> list[dict]:
        """Newest first, as plain dicts. Band alerts of `period`; stalled-proposal alerts emitted in `window`;
        only for `municipalities` (None: all)."""
        query = select(AlertRow).order_by(AlertRow.emitted_at.desc(), AlertRow.id)
        if municipalities is not None:
            query = query.where(AlertRow.municipality.in_(sorted(municipalities)))
        if period is not None and window is not None:
            query = query.where(or_(
                and_(AlertRow.kind == BAND_CHANGED, AlertRow.period == period),
                and_(AlertRow.kind.in_((PROPOSAL_STALLED, ACCEPTED_STALLED)),
                     AlertRow.emitted_at >= window[0],
                     AlertRow.emitted_at < window[1]),
            ))
        return [row.model_dump() for row in self.session.execute(query.limit(limit)).scalars()]
