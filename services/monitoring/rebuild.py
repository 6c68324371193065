"""`woonregie rebuild monitoring`: monitoring's state rebuilt from the topics, into an empty
database.

Monitoring's read models live in memory and every start rebuilds them from offset 0; what
its database keeps is the alert log (alerts, last band per municipality) and the ledger of
records already dead-lettered. The rebuild reads the input topics through the live
consumer's own `handle` (the same `LiveModel.apply`) into a fresh model, then restores the
alert log from `monitoring.alerts.v1`, which carries every alert monitoring emitted (the
row's time is the event's time). A monitoring started on the rebuilt database serves the same
reports and alerts, and alerts nothing again.

A record the read model cannot apply is skipped and counted; it is not sent to the DLQ again
(the live consumer did that) but recorded in the dead-letter ledger, as the live one did.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rich.console import Console

from services.monitoring.adapters.consumer import CONSUMED_TOPICS
from services.monitoring.adapters.dead_letters import LEDGER_NAME
from services.monitoring.adapters.repository import (
    ACCEPTED_STALLED,
    BAND_CHANGED,
    PROPOSAL_STALLED,
)
from services.monitoring.bootstrap import bootstrap
from services.monitoring.domain import Status, detect_band_changes
from services.monitoring.service.live import LiveModel
from services.monitoring.service.stapeling_alerts import STAPELING_FLAGGED
from shared.contracts import events as ev
from shared.contracts import topics
from shared.contracts.envelope import PoisonMessage, decode
from shared.local.rebuild_target import default_target_url, prepare_target
from shared.local.services import SERVICES
from shared.messaging.topic_scan import scan_topics
from shared.settings import MonitoringSettings

ALERT_KINDS: dict[type[ev.Event], str] = {
    ev.RealisationBandChanged: BAND_CHANGED,
    ev.ProposalStalled: PROPOSAL_STALLED,
    ev.AcceptedProposalStalled: ACCEPTED_STALLED,
    ev.StapelingFlagged: STAPELING_FLAGGED,
}


@dataclass
class RebuildReport:
    read: dict[str, int] = field(default_factory=dict)
    outcomes: Counter = field(default_factory=Counter)  # applied, duplicate, skipped
    alerts: int = 0
    skipped_alerts: int = 0


class SkippedRecords:
    """Stands in for the consumer's dead-letter sink: the live consumer already sent these
    to the DLQ, so the rebuild only records them in the ledger, as the live one did."""

    def __init__(self, uow_factory):
        self.uow_factory = uow_factory
        self.reasons: list[str] = []

    def send(self, record, reason: str) -> bool:
        self.reasons.append(reason)
        with self.uow_factory() as uow:
            key = f"{record.topic}:{record.partition}:{record.offset}"
            if not uow.seen(LEDGER_NAME, key):
                uow.mark_seen(LEDGER_NAME, key)
                uow.commit()
        return True

    def close(self) -> None:
        pass


def rebuild(settings: MonitoringSettings, target_url: str, *, force: bool = False,
            console: Console | None = None) -> RebuildReport:
    prepare_target(target_url, SERVICES["monitoring"].migrations, force=force)
    runtime = bootstrap(settings.model_copy(update={"database_url": target_url}),
                        producer_factory=_no_producer)
    consumer = runtime.consumer
    consumer.dead_letters = SkippedRecords(runtime.uow)
    report = RebuildReport()

    def handle(record) -> None:
        outcome = consumer.handle(record)  # the live consumer's own path
        report.outcomes["skipped" if outcome == "dead-lettered" else outcome] += 1

    scanned = scan_topics(settings, [t.name for t in CONSUMED_TOPICS], handle,
                          console=console, label="monitoring ← ")
    report.read.update(scanned.read)
    restorer = AlertRestorer(runtime.live, runtime.uow)
    scanned = scan_topics(settings, [topics.ALERTS.name], lambda r: restorer.restore(r, report),
                          console=console, label="alert log ← ")
    report.read.update(scanned.read)
    restorer.save_band_statuses()
    runtime.engine.dispose()
    return report


def _no_producer():
    raise RuntimeError("a rebuild publishes nothing")


class AlertRestorer:
    """The alert log as `AlertChecker` and `StapelingAlerts` wrote it, from their events."""

    def __init__(self, live: LiveModel, uow_factory):
        self.live = live
        self.uow_factory = uow_factory
        self.bands: dict[tuple[str, str, str], str] = {}

    def restore(self, record, report: RebuildReport) -> None:
        try:
            received = decode(record.value)
        except PoisonMessage:
            report.skipped_alerts += 1
            return
        kind = ALERT_KINDS.get(type(received.event))
        if kind is None:
            report.skipped_alerts += 1
            return
        with self.uow_factory() as uow:
            if uow.alerts.exists(received.id):
                return  # a second copy of the same alert
            uow.alerts.add(received.id, kind, **self._row(kind, received.event),
                           emitted_at=received.envelope.time)
            uow.commit()
        report.alerts += 1

    def _row(self, kind: str, event: ev.Event) -> dict:
        data = event.wire()
        row = dict(scope=event.scope, municipality=event.municipality,
                   period=getattr(event, "period", None),
                   proposal_id=getattr(event, "proposal_id", None), data=data)
        if kind == BAND_CHANGED:
            self.bands[(event.scope, event.period, event.municipality)] = event.status
            row["data"] = data | {"kind": _change_kind(event)}
        elif kind == PROPOSAL_STALLED:
            row["data"] = data | {"proposedOn": self._proposed_on(event.proposal_id)}
        return row

    def _proposed_on(self, proposal_id: str) -> str | None:
        proposal = self.live.read(lambda m: m.proposals.get(proposal_id))
        proposed_on = getattr(proposal, "proposed_on", None)
        return proposed_on.isoformat() if proposed_on else None

    def save_band_statuses(self) -> None:
        """The last band alerted per municipality; on track for a municipality never
        alerted (a first observation on track alerts nothing, and is stored so)."""
        statuses = dict(self.bands)
        for key in self._observed():
            statuses.setdefault(key, Status.ON_TRACK.value)
        with self.uow_factory() as uow:
            for (scope, period, municipality), status in sorted(statuses.items()):
                uow.alerts.save_band_status(scope, period, municipality, status)
            uow.commit()

    def _observed(self) -> list[tuple[str, str, str]]:
        def query(model):
            return [(scope, period, row.scope_id)
                    for scope, period in sorted(model.agreements)
                    for row in model.realisation(period, scope,
                                                 policy=self.live.policy).municipalities
                    if row.status is not None]
        return self.live.read(query)


def _change_kind(event: ev.RealisationBandChanged) -> str:
    changes = detect_band_changes({event.municipality: event.previous_status},
                                  {event.municipality: event.status})
    return changes[0].kind.value


# --- the command --------------------------------------------------------------------------


def run(database_url: str | None, force: bool, console: Console) -> None:
    """`woonregie rebuild monitoring`: rebuild, print the counts and the next steps."""
    settings = MonitoringSettings()
    target = database_url or default_target_url(settings.data_dir, "monitoring")
    report = rebuild(settings, target, force=force, console=console)
    for topic, count in report.read.items():
        console.print(f"{topic}: {count} records read", highlight=False)
    outcomes = ", ".join(f"{name} {count}" for name, count in sorted(report.outcomes.items()))
    console.print(f"read model: {outcomes or 'nothing read'}; alert log: {report.alerts} "
                  f"alerts restored, {report.skipped_alerts} records skipped", highlight=False)
    console.print(next_steps(settings.db_url(), target), highlight=False)


def next_steps(live_url: str, target: str) -> str:
    return "\n".join((
        f"rebuilt into {target}",
        "next steps:",
        "  1. stop monitoring (woonregie stop, or docker compose stop monitoring)",
        f"  2. keep the old database ({live_url}) aside, then move the rebuilt one in its place,",
        f"     or point WOONREGIE_DATABASE_URL at {target}",
        "  3. start monitoring: it replays the topics into memory and, with the alert log "
        "restored, alerts nothing twice",
    ))
