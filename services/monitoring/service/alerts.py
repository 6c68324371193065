"""Alerts: a municipality that leaves (or re-enters) its status band, a stalled proposal.

Each alert is written to the alert log and the outbox in one transaction; the relay
publishes it on monitoring.alerts.v1. Alert ids are deterministic (uuid5 of the alert's
identity), and the band statuses already seen and the proposals already reported are kept
in the database, so a restart, which rebuilds the read model from offset 0, sends nothing
twice. Replicas sharing one database race on the alert's primary key: one wins, the others
roll back and reload what the winner stored.

The checks run in the consumer thread, and only once the read model has caught up with the
end of the topics seen at start: half a replay would show bands that were never real.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date

from sqlalchemy.exc import IntegrityError

from services.monitoring.adapters.repository import (
    ACCEPTED_STALLED,
    BAND_CHANGED,
    PROPOSAL_STALLED,
)
from services.monitoring.domain import BandChange, StalledProposal, detect_band_changes
from services.monitoring.domain.model import RealisationRow, StalledAcceptance
from services.monitoring.service.live import LiveModel
from shared.contracts.events import (
    AcceptedProposalStalled,
    ProposalStalled,
    RealisationBandChanged,
)
from shared.contracts.periods import utcnow
from shared.contracts.vocabulary import PROVINCE_SCOPE

log = logging.getLogger(__name__)

ALERT_NAMESPACE = uuid.UUID("6f1d3c3e-2b0a-5b8e-9a57-4d6f9e0c1a21")


def band_alert_id(scope: str, period: str, change: BandChange, sequence: int) -> str:
    previous = change.previous.value if change.previous else "none"
    identity = f"{BAND_CHANGED}|{scope}|{period}|{change.municipality}|{sequence}|" \
               f"{previous}|{change.status.value}"
    return str(uuid.uuid5(ALERT_NAMESPACE, identity))


def stalled_alert_id(proposal_id: str, kind: str = PROPOSAL_STALLED) -> str:
    return str(uuid.uuid5(ALERT_NAMESPACE, f"{kind}|{proposal_id}"))


class AlertChecker:
    def __init__(self, live: LiveModel, uow_factory: Callable, *, stalled_days: int,
                 today: Callable[[], date], on_alert: Callable[[str], None] = lambda kind: None,
                 accepted_days: int | None = None):
        self.live = live
        self.uow_factory = uow_factory
        self.stalled_days = stalled_days
        self.accepted_days = accepted_days  # None: no alerts for accepted proposals
        self.today = today
        self.on_alert = on_alert
        self._statuses: dict[tuple[str, str, str], str] | None = None
        self._stalled: set[str] | None = None
        self._accepted: set[str] | None = None

    def _load(self) -> None:
        with self.uow_factory() as uow:
            self._statuses = uow.alerts.band_statuses()
            self._stalled = uow.alerts.stalled_proposal_ids()
            if self.accepted_days is not None:
                self._accepted = uow.alerts.accepted_stalled_ids()

    # --- bands ----------------------------------------------------------------------------

    def _current_reports(self) -> list[tuple[str, str, list[RealisationRow]]]:
        def query(model):
            reports = []
            for scope, period in sorted(model.agreements):
                report = model.realisation(period, scope, policy=self.live.policy)
                reports.append((scope, period, [r for r in report.municipalities
                                                if r.status is not None]))
            return reports

        return self.live.read(query)

    def check_bands(self) -> list[str]:
        """Emit an alert for every band change since the last check; returns alert ids."""
        if self._statuses is None:
            self._load()
        emitted: list[str] = []
        for scope, period, rows in self._current_reports():
            emitted += self._check_agreement(scope, period, rows)
        return emitted

    def _check_agreement(self, scope: str, period: str, rows: list[RealisationRow]) -> list[str]:
        previous = {r.scope_id: self._statuses.get((scope, period, r.scope_id)) for r in rows}
        changed = [r for r in rows if previous[r.scope_id] != r.status.value]
        if not changed:
            return []
        changes = detect_band_changes(previous, {r.scope_id: r for r in rows})
        emitted = []
        try:
            with self.uow_factory() as uow:
                for row in changed:
                    uow.alerts.save_band_status(scope, period, row.scope_id, row.status.value)
                for change in changes:
                    sequence = uow.alerts.band_alert_count(scope, period, change.municipality)
                    alert_id = band_alert_id(scope, period, change, sequence)
                    data = change.event_data(scope, period)
                    at = utcnow()  # the row's time is the event's: a rebuild restores it
                    uow.alerts.add(alert_id, BAND_CHANGED, scope=scope, period=period,
                                   municipality=change.municipality,
                                   data=data | {"kind": change.kind.value}, emitted_at=at)
                    uow.emit(RealisationBandChanged.model_validate(data), event_id=alert_id,
                             time=at)
                    emitted.append(alert_id)
                uow.commit()
        except IntegrityError:  # another replica stored these alerts first
            log.info("band alerts already stored by another replica", extra={"scope": scope})
            self._load()
            return []
        for row in changed:
            self._statuses[(scope, period, row.scope_id)] = row.status.value
        for _ in emitted:
            self.on_alert(BAND_CHANGED)
        if emitted:
            log.info("band alerts emitted", extra={"scope": scope, "period": period,
                                                   "count": len(emitted)})
        return emitted

    # --- stalled proposals ----------------------------------------------------------------

    def check_stalled(self) -> list[str]:
        """Emit one alert per proposal open longer than `stalled_days`; returns alert ids."""
        if self._stalled is None:
            self._load()
        today = self.today()
        stalled = self.live.read(lambda m: m.stalled_proposals(today, self.stalled_days))
        emitted = []
        for proposal in stalled:
            if proposal.proposal_id in self._stalled:
                continue
            alert_id = self._emit_stalled(proposal)
            self._stalled.add(proposal.proposal_id)
            if alert_id:
                emitted.append(alert_id)
                self.on_alert(PROPOSAL_STALLED)
        return emitted + self.check_accepted(today)

    def check_accepted(self, today: date) -> list[str]:
        """One alert per accepted proposal without a move-in after `accepted_days` days."""
        if self.accepted_days is None:
            return []
        stalled = self.live.read(lambda m: m.accepted_without_move_in(today,
                                                                      self.accepted_days))
        emitted = []
        for acceptance in stalled:
            if acceptance.proposal_id in self._accepted:
                continue
            alert_id = self._emit_accepted(acceptance)
            self._accepted.add(acceptance.proposal_id)
            if alert_id:
                emitted.append(alert_id)
                self.on_alert(ACCEPTED_STALLED)
        return emitted

    def _emit_accepted(self, acceptance: StalledAcceptance) -> str | None:
        alert_id = stalled_alert_id(acceptance.proposal_id, ACCEPTED_STALLED)
        data = acceptance.event_data(PROVINCE_SCOPE)
        try:
            with self.uow_factory() as uow:
                if uow.alerts.exists(alert_id):
                    return None
                at = utcnow()
                uow.alerts.add(alert_id, ACCEPTED_STALLED, scope=PROVINCE_SCOPE,
                               municipality=acceptance.municipality,
                               proposal_id=acceptance.proposal_id, data=data, emitted_at=at)
                uow.emit(AcceptedProposalStalled.model_validate(data), event_id=alert_id,
                         time=at)
                uow.commit()
        except IntegrityError:  # another replica reported it first
            return None
        log.info("accepted proposal without move-in alert emitted",
                 extra={"proposal": acceptance.proposal_id})
        return alert_id

    def _emit_stalled(self, proposal: StalledProposal) -> str | None:
        alert_id = stalled_alert_id(proposal.proposal_id)
        data = proposal.event_data(PROVINCE_SCOPE)
        try:
            with self.uow_factory() as uow:
                if uow.alerts.exists(alert_id):
                    return None
                at = utcnow()
                uow.alerts.add(alert_id, PROPOSAL_STALLED, scope=PROVINCE_SCOPE,
                               municipality=proposal.municipality,
                               proposal_id=proposal.proposal_id,
                               data=data | {"proposedOn": proposal.proposed_on.isoformat()},
                               emitted_at=at)
                uow.emit(ProposalStalled.model_validate(data), event_id=alert_id, time=at)
                uow.commit()
        except IntegrityError:  # another replica reported it first
            return None
        log.info("stalled proposal alert emitted", extra={"proposal": proposal.proposal_id})
        return alert_id
