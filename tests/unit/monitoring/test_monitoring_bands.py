"""Expected-to-date, status band edges, band-change alerts."""

from __future__ import annotations

import pytest

from services.monitoring.domain import (
    BandChange,
    BandPolicy,
    BandTracker,
    ChangeKind,
    ExpectedBasis,
    MonitoringModel,
    Status,
    classify,
    detect_band_changes,
    expected_to_date,
)
from shared.contracts.events import RealisationBandChanged


def test_expected_to_date_scales_by_lettings_seen():
    assert expected_to_date(20, 50, 200) == 5.0
    assert expected_to_date(20, 0, 200) == 0.0
    assert expected_to_date(20, 250, 200) == 20.0  # capped at the target
    assert expected_to_date(0, 10, 200) == 0.0


def test_expected_to_date_falls_back_to_elapsed_time():
    assert expected_to_date(20, None, 200, 0.25) == 5.0
    assert expected_to_date(20, 10, None, 0.5) == 10.0
    assert expected_to_date(20, 10, 0, 0.5) == 10.0  # no expected lettings: time
    assert expected_to_date(20, None, None, 1.7) == 20.0
    with pytest.raises(ValueError):
        expected_to_date(20, None, None, None)
    with pytest.raises(ValueError):
        expected_to_date(-1, 1, 10)


def test_status_labels():
    assert [s.value for s in Status] == ["on-track", "behind", "ahead"]
    assert [s.label for s in Status] == ["op schema", "achter", "voor"]
    assert Status.BEHIND.label_en == "behind"


@pytest.mark.parametrize(
    "realised, expected, status",
    [
        (5, 5.0, Status.ON_TRACK),
        (4, 5.0, Status.ON_TRACK),  # lag -1 = -max(1, 0.5): on the edge, inside
        (6, 5.0, Status.ON_TRACK),  # lag +1: on the edge, inside
        (3, 5.0, Status.BEHIND),
        (7, 5.0, Status.AHEAD),
        (0, 1.0, Status.ON_TRACK),  # small numbers: the minimum band of 1 applies
        (0, 1.01, Status.BEHIND),
        (2, 1.0, Status.ON_TRACK),
        (3, 1.0, Status.AHEAD),
        (45, 50.0, Status.ON_TRACK),  # 10% of 50 = 5: lag -5 inside
        (44, 50.0, Status.BEHIND),
        (55, 50.0, Status.ON_TRACK),
        (56, 50.0, Status.AHEAD),
        (0, 0.0, Status.ON_TRACK),
    ],
)
def test_status_band_edges(realised, expected, status):
    assert classify(realised, expected) == status


def test_band_is_configurable():
    strict = BandPolicy(relative=0.0, minimum=0.5)
    assert classify(4, 5.0, strict) == Status.BEHIND
    wide = BandPolicy(relative=0.5, minimum=1)
    assert classify(3, 6.0, wide) == Status.ON_TRACK  # tolerance 3
    assert wide.tolerance(10) == 5
    with pytest.raises(ValueError):
        BandPolicy(relative=-0.1)


def test_time_basis_policy_in_the_read_model(model: MonitoringModel):
    time_based = model.realisation("2026", policy=BandPolicy(basis=ExpectedBasis.TIME))
    gm0014 = time_based.row("GM0014")
    assert gm0014.expected_basis == "time"
    assert gm0014.expected_to_date == pytest.approx(22 * 181 / 365)


def test_detect_band_changes():
    previous = {"GM0001": Status.ON_TRACK, "GM0002": Status.BEHIND, "GM0003": "ahead",
                "GM0004": Status.BEHIND}
    current = {"GM0001": Status.BEHIND, "GM0002": Status.ON_TRACK, "GM0003": Status.BEHIND,
               "GM0004": "behind", "GM0005": Status.AHEAD, "GM0006": Status.ON_TRACK}
    changes = detect_band_changes(previous, current)
    assert [(c.municipality, c.previous, c.status, c.kind) for c in changes] == [
        ("GM0001", Status.ON_TRACK, Status.BEHIND, ChangeKind.LEFT_BAND),
        ("GM0002", Status.BEHIND, Status.ON_TRACK, ChangeKind.ENTERED_BAND),
        ("GM0003", Status.AHEAD, Status.BEHIND, ChangeKind.CROSSED_BAND),
        ("GM0005", None, Status.AHEAD, ChangeKind.LEFT_BAND),  # first seen outside the band
    ]


def test_band_tracker_on_the_read_model(model: MonitoringModel):
    tracker = BandTracker()
    report = model.realisation("2026")
    first = tracker.update("province", "2026", report.municipalities)
    assert [(c.municipality, c.status) for c in first] == [
        ("GM0014", Status.AHEAD), ("GM0765", Status.BEHIND)]
    assert tracker.update("province", "2026", report.municipalities) == []  # no change, no alert
    data = first[0].event_data("province", "2026")
    event = RealisationBandChanged.model_validate(data)
    assert (event.status, event.previous_status, event.realised, event.target) == (
        "ahead", None, 6, 22)
    restored = BandTracker(tracker.statuses)
    assert restored.update("province", "2026", report.municipalities) == []


def test_band_change_event_data_defaults():
    change = BandChange("GM0001", Status.ON_TRACK, Status.BEHIND, ChangeKind.LEFT_BAND)
    assert change.event_data("province", "2026")["previousStatus"] == "on-track"
