"""Service-level reports: the JSON documents and CSV rows behind the API, with disclosure
control (public view: counts 1..4 and what derives from them blanked)."""

from __future__ import annotations

import pytest

from services.monitoring.domain import DEFAULT_POLICY, UnknownScope
from services.monitoring.service import reports
from services.monitoring.service.reports import Disclosure, ReportFilter

PUBLIC = Disclosure(exact=False)
EXACT = Disclosure(exact=True)
PROVINCE_2026 = ReportFilter(period="2026")


def by_code(rows):
    return {row["municipality"]: row for row in rows}


def test_realisation_exact_shows_every_count(model):
    report = reports.realisation(model, PROVINCE_2026, EXACT, DEFAULT_POLICY)
    rows = by_code(report.document["municipalities"])
    assert rows["GM1979"]["realised"] == 2 and rows["GM1979"]["status"] == "on-track"
    assert report.document["disclosure"] == "exact"
    assert report.document["suppressionThreshold"] is None


def test_realisation_public_suppresses_small_cells_and_what_derives_from_them(model):
    report = reports.realisation(model, PROVINCE_2026, PUBLIC, DEFAULT_POLICY)
    rows = by_code(report.document["municipalities"])
    small = rows["GM1979"]  # realised 2
    assert small["realised"] is None
    assert small["lag"] is None and small["status"] is None and small["statusLabel"] is None
    assert small["target"] == 4  # an agreed target is no count of people
    big = rows["GM0014"]
    assert (big["realised"], big["status"]) == (6, "ahead")
    assert rows["GM1969"]["realised"] == 0  # zero discloses nothing and stays
    assert report.document["disclosure"] == "suppressed"
    assert report.document["suppressionThreshold"] == 5
    for row in report.rows:
        for field in ("realised", "lettingsSeen"):
            assert row[field] is None or row[field] == 0 or row[field] >= 5


def test_realisation_hides_the_tolerance_with_expected_to_date(model):
    # lettingsSeen of GM0765 is 0 (shown); no row here has 1..4 lettings seen, so build one
    rows = PUBLIC.rows([{"realised": 7, "lettingsSeen": 3, "expectedToDate": 1.2,
                         "tolerance": 1.0, "lag": 5.8, "status": "ahead"}],
                       ("realised", "lettingsSeen"), reports.REAL_DEPENDENTS)
    assert rows[0]["expectedToDate"] is None and rows[0]["tolerance"] is None
    assert rows[0]["realised"] == 7


def test_realisation_target_group_filter(model):
    f = ReportFilter(period="2026", target_group="beschermd-wonen")
    report = reports.realisation(model, f, EXACT, DEFAULT_POLICY)
    assert {g["targetGroup"] for g in report.document["byTargetGroup"]} == {"beschermd-wonen"}
    assert report.document["targetGroup"] == "beschermd-wonen"
    assert len(report.document["municipalities"]) == 4  # municipality rows are all groups


def test_series_points_are_suppressed_too(model):
    exact = reports.realisation_series(model, PROVINCE_2026, EXACT, DEFAULT_POLICY)
    public = reports.realisation_series(model, PROVINCE_2026, PUBLIC, DEFAULT_POLICY)
    assert exact.document["points"][-1]["realised"] == 8
    for e, p in zip(exact.document["points"], public.document["points"]):
        if 0 < e["realised"] < 5:
            assert p["realised"] is None
        else:
            assert p["realised"] == e["realised"]


def test_flows_public_view(model):
    exact = reports.flows(model, PROVINCE_2026, EXACT).document["months"]
    public = reports.flows(model, PROVINCE_2026, PUBLIC).document["months"]
    assert [m["month"] for m in exact] == [f"2026-{n:02d}" for n in range(1, 13)]
    assert any(0 < m["registered"] < 5 for m in exact)
    for e, p in zip(exact, public):
        for field in reports.FLOW_COUNTS:
            assert p[field] == (None if 0 < e[field] < 5 else e[field])


def test_waiting_times_public_view_blanks_statistics_of_few_people(model):
    public = reports.waiting_times(model, PROVINCE_2026, PUBLIC).document["rows"]
    for row in public:
        if row["count"] is None:
            assert row["medianDays"] is None and row["p90Days"] is None


def test_funnel_suppresses_decline_reason_counts(model):
    exact = reports.proposal_funnel(model, PROVINCE_2026, EXACT)
    public = reports.proposal_funnel(model, PROVINCE_2026, PUBLIC)
    total = exact.document["rows"][0]
    assert total["municipality"] == "all" and total["declined"] == 3
    assert public.document["rows"][0]["declined"] is None
    assert all(r["count"] is None for r in public.document["rows"][0]["declineReasons"])
    assert "(<5)" in public.rows[0]["declineReasons"]
    assert isinstance(exact.rows[0]["declineReasons"], str)


def test_stock_suppresses_lettings_but_not_dwellings(model):
    public = by_code(reports.stock(model, PROVINCE_2026, PUBLIC).document["rows"])
    exact = by_code(reports.stock(model, PROVINCE_2026, EXACT).document["rows"])
    for code, row in exact.items():
        assert public[code]["dwellings"] == row["dwellings"]
        assert public[code]["lettings"] == (None if 0 < row["lettings"] < 5 else row["lettings"])
    flat = reports.stock(model, PROVINCE_2026, EXACT).rows[0]
    assert "accessibility.rolstoel" in flat and "byAccessibility" not in flat


def test_scope_checks(model):
    reports.check_scope(model, "province")
    reports.check_scope(model, "groningen-assen")
    reports.check_scope(model, "GM0014")
    with pytest.raises(UnknownScope):
        reports.check_scope(model, "GM9999")  # well-formed, but no topic named it
    with pytest.raises(UnknownScope):
        reports.check_scope(model, "drenthe")


def test_filter_options(model):
    options = reports.filter_options(model, "2027")
    assert options["periods"] == ["2027", "2026"]
    assert "groningen-assen" in options["regions"]
    assert {"code": "GM0014", "name": "Groningen"} in options["municipalities"]


def test_alert_lines_public_view_hides_the_status_of_a_small_count(model):
    from datetime import datetime, timezone

    row = {"id": "a1", "kind": "realisation-band-changed", "scope": "province",
           "period": "2026", "municipality": "GM1979", "proposal_id": None,
           "emitted_at": datetime(2026, 6, 30, tzinfo=timezone.utc),
           "data": {"kind": "left-band", "previousStatus": None, "status": "behind",
                    "realised": 2, "expectedToDate": 4.0, "target": 8}}
    public = reports.alert_lines(model, [row], PROVINCE_2026, PUBLIC).document["alerts"][0]
    assert public["realised"] is None and public["status"] is None
    assert public["name"] == "Eemsdelta" and public["target"] == 8
    exact = reports.alert_lines(model, [row], PROVINCE_2026, EXACT).document["alerts"][0]
    assert (exact["realised"], exact["status"], exact["change"]) == (2, "behind", "left-band")


def test_period_window_is_amsterdam_midnight_to_midnight():
    start, end = reports.period_window("2026-H1")
    assert start.isoformat() == "2026-01-01T00:00:00+01:00"
    assert end.isoformat() == "2026-07-01T00:00:00+02:00"
