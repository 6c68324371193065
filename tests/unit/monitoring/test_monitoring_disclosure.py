"""Statistical disclosure control: cells 1..4 suppressed, 0 shown, derived values blanked."""

from __future__ import annotations

import pytest

from services.monitoring.domain import (
    REALISATION_COUNTS,
    REALISATION_DEPENDENTS,
    WAITING_TIME_COUNTS,
    WAITING_TIME_DEPENDENTS,
    MonitoringModel,
    is_suppressed,
    suppress,
    suppress_row,
    suppress_rows,
)


@pytest.mark.parametrize("value, shown", [(0, 0), (1, None), (2, None), (4, None), (5, 5),
                                          (6, 6), (1000, 1000), (None, None), (4.5, None)])
def test_suppress_small_nonzero_cells(value, shown):
    assert suppress(value) == shown


def test_threshold_and_marker_are_configurable():
    assert suppress(3, marker="<5") == "<5"
    assert suppress(9, threshold=10) is None
    assert suppress(10, threshold=10) == 10
    assert not is_suppressed(True)  # booleans are not counts
    assert not is_suppressed("3")


def test_suppress_row_all_numeric_fields_and_nested_cells():
    row = {"municipality": "GM0765", "dwellings": 3, "byAccessibility": {"geen": 2, "rolstoel": 0,
                                                                         "nultreden": 7},
           "open": True, "lettings": 0}
    out = suppress_row(row)
    assert out == {"municipality": "GM0765", "dwellings": None,
                   "byAccessibility": {"geen": None, "rolstoel": 0, "nultreden": 7},
                   "open": True, "lettings": 0}
    assert row["dwellings"] == 3  # the input is not changed


def test_realisation_rows_suppress_counts_and_what_reveals_them(model: MonitoringModel):
    rows = [r.to_dict() for r in model.realisation("2026").municipalities]
    public = {r["municipality"]: r for r in suppress_rows(
        rows, REALISATION_COUNTS, dependents=REALISATION_DEPENDENTS)}
    gm0014 = public["GM0014"]  # realised 6, seen 20: shown
    assert (gm0014["realised"], gm0014["lettingsSeen"], gm0014["status"]) == (6, 20, "ahead")
    gm1979 = public["GM1979"]  # realised 2: the count, lag and band are blanked
    assert (gm1979["realised"], gm1979["lag"], gm1979["status"], gm1979["statusLabel"]) == (
        None, None, None, None)
    assert gm1979["lettingsSeen"] == 25 and gm1979["target"] == 4  # targets are public
    gm0765 = public["GM0765"]  # realised 0 and seen 0: zero is shown
    assert (gm0765["realised"], gm0765["status"]) == (0, "behind")


def test_waiting_times_of_fewer_than_five_people_are_blanked(model: MonitoringModel):
    rows = [r.to_dict() for r in model.waiting_times("2026")]
    public = suppress_rows(rows, WAITING_TIME_COUNTS, dependents=WAITING_TIME_DEPENDENTS)
    by = {(r["municipality"], r["targetGroup"]): r for r in public}
    assert by[("GM0014", "all")]["medianDays"] == 50.0  # 5 people
    assert by[("GM1979", "all")]["medianDays"] is None  # 2 people
    assert by[("GM1979", "all")]["count"] is None
    assert by[("all", "all")]["count"] == 7


def test_any_table_of_counts(model: MonitoringModel):
    funnel = suppress_rows([r.to_dict() for r in model.proposal_funnel("2026")],
                           ["proposed", "accepted", "declined", "expired", "placed", "open"])
    assert funnel[0]["proposed"] == 14 and funnel[0]["declined"] is None
    flows = suppress_rows([r.to_dict() for r in model.flow_rows("2026")])
    assert all(v is None or v == 0 or v >= 5 for r in flows for k, v in r.items()
               if isinstance(v, int))
