"""Alert checks with an in-memory alert log: band changes and stalled proposals are emitted
once, with deterministic ids, and persisted state prevents a second alert after a restart."""

from __future__ import annotations

from datetime import date

from services.monitoring.domain import BandPolicy
from services.monitoring.service.alerts import (
    AlertChecker,
    band_alert_id,
    stalled_alert_id,
)
from services.monitoring.service.live import LiveModel
from shared.contracts.events import ProposalStalled, RealisationBandChanged
from typed_events import apply_recorded


class MemoryAlertLog:
    def __init__(self):
        self.statuses: dict = {}
        self.alerts: dict = {}

    def band_statuses(self):
        return dict(self.statuses)

    def stalled_proposal_ids(self):
        return {a["proposal_id"] for a in self.alerts.values() if a["kind"] == "proposal-stalled"}

    def save_band_status(self, scope, period, municipality, status):
        self.statuses[(scope, period, municipality)] = status

    def band_alert_count(self, scope, period, municipality):
        return sum(1 for a in self.alerts.values() if a["kind"] == "realisation-band-changed"
                   and (a["scope"], a["period"], a["municipality"]) == (scope, period,
                                                                        municipality))

    def exists(self, alert_id):
        return alert_id in self.alerts

    def add(self, alert_id, kind, *, scope, municipality, data, period=None, proposal_id=None,
            emitted_at=None):
        self.alerts[alert_id] = dict(kind=kind, scope=scope, municipality=municipality,
                                     data=data, period=period, proposal_id=proposal_id,
                                     emitted_at=emitted_at)


class MemoryUow:
    """Stands in for MonitoringUnitOfWork: staged changes apply on commit only."""

    def __init__(self, store: "MemoryStore"):
        self.store = store

    def __enter__(self):
        self.alerts = MemoryAlertLog()
        self.alerts.statuses = dict(self.store.log.statuses)
        self.alerts.alerts = dict(self.store.log.alerts)
        self.staged = []
        return self

    def __exit__(self, *exc):
        return False

    def emit(self, event, *, event_id=None, time=None):
        self.staged.append((event_id, event))
        self.store.times[event_id] = time
        return event_id

    def commit(self):
        self.store.log = self.alerts
        self.store.outbox += self.staged


class MemoryStore:
    def __init__(self):
        self.log = MemoryAlertLog()
        self.outbox: list = []
        self.times: dict = {}  # event id -> the envelope time asked for

    def uow(self):
        return MemoryUow(self)


def live_from(events) -> LiveModel:
    live = LiveModel(BandPolicy())
    for event in events:
        apply_recorded(live.model, event)
    return live


def test_band_alerts_for_municipalities_outside_their_band(events):
    store = MemoryStore()
    checker = AlertChecker(live_from(events), store.uow, stalled_days=10,
                           today=lambda: date(2026, 6, 30))
    emitted = checker.check_bands()
    alerts = {e.municipality: (eid, e) for eid, e in store.outbox}
    # GM0014 is ahead, GM0765 behind; GM1969 and GM1979 are on track (no alert)
    assert set(alerts) == {"GM0014", "GM0765"}
    assert all(isinstance(e, RealisationBandChanged) for _, e in alerts.values())
    assert alerts["GM0014"][1].status == "ahead" and alerts["GM0014"][1].previous_status is None
    assert sorted(emitted) == sorted(eid for eid, _ in alerts.values())
    assert store.log.statuses[("province", "2026", "GM1969")] == "on-track"
    assert checker.check_bands() == []  # nothing changed since


def test_a_restart_with_the_stored_statuses_sends_nothing_again(events):
    store = MemoryStore()
    AlertChecker(live_from(events), store.uow, stalled_days=10,
                 today=lambda: date(2026, 6, 30)).check_bands()
    sent = len(store.outbox)
    restarted = AlertChecker(live_from(events), store.uow, stalled_days=10,
                             today=lambda: date(2026, 6, 30))
    assert restarted.check_bands() == [] and len(store.outbox) == sent


def test_alert_ids_are_deterministic(events):
    first, second = MemoryStore(), MemoryStore()
    for store in (first, second):
        AlertChecker(live_from(events), store.uow, stalled_days=10,
                     today=lambda: date(2026, 6, 30)).check_bands()
    assert [eid for eid, _ in first.outbox] == [eid for eid, _ in second.outbox]
    assert stalled_alert_id("p1") == stalled_alert_id("p1") != stalled_alert_id("p2")


def test_band_alert_sequence_tells_repeated_changes_apart():
    from services.monitoring.domain import BandChange, ChangeKind, Status

    change = BandChange("GM0014", None, Status.BEHIND, ChangeKind.LEFT_BAND)
    assert band_alert_id("province", "2026", change, 0) != band_alert_id(
        "province", "2026", change, 1)


def test_stalled_proposals_alert_once(events):
    store = MemoryStore()
    live = live_from(events)
    checker = AlertChecker(live, store.uow, stalled_days=10, today=lambda: date(2026, 12, 31))
    expected = live.model.stalled_proposals(date(2026, 12, 31), 10)
    assert expected  # the recording has open proposals
    emitted = checker.check_stalled()
    assert len(emitted) == len(expected)
    assert all(isinstance(e, ProposalStalled) for _, e in store.outbox)
    assert {e.proposal_id for _, e in store.outbox} == {p.proposal_id for p in expected}
    assert checker.check_stalled() == []
    again = AlertChecker(live, store.uow, stalled_days=10, today=lambda: date(2027, 1, 31))
    assert again.check_stalled() == []  # stored: a restart does not re-alert


def test_no_stalled_alert_within_the_limit(events):
    store = MemoryStore()
    checker = AlertChecker(live_from(events), store.uow, stalled_days=10_000,
                           today=lambda: date(2026, 12, 31))
    assert checker.check_stalled() == [] and store.outbox == []


def test_an_alert_row_has_its_event_time(events):
    """A rebuild restores the alert log from the alerts topic: the row's time must be the
    event's."""
    store = MemoryStore()
    checker = AlertChecker(live_from(events), store.uow, stalled_days=10,
                           today=lambda: date(2026, 12, 31))
    emitted = checker.check_bands() + checker.check_stalled()
    assert emitted
    for alert_id in emitted:
        assert store.log.alerts[alert_id]["emitted_at"] is not None
        assert store.log.alerts[alert_id]["emitted_at"] == store.times[alert_id]
