"""Read models from the recorded event sequence in fixtures/recorded_events.json.

The recording (built by fixtures/make_recorded_events.py with the shared pydantic contracts):
- province agreement 2026, version 1 then version 2 (v2 counts): targets GM0014 20+2=22
  (expected lettings 200), GM1969 6 (60), GM1979 5-1=4 (50), GM0765 4 (0: time basis);
- GM0014: 5 placements + 1 urgent and 14 regular corporation lettings -> realised 6, seen 20;
  plus the corporation reporting one placed vacancy again (must not count twice);
- GM1969: 10 regular lettings; GM1979: 2 placements + 23 regular (+1 in Dec 2025, outside);
- the last business date is 2026-06-30 (clock).
"""

from __future__ import annotations

from datetime import date

import pytest

from services.monitoring.domain import (
    ALL,
    FlowKind,
    MonitoringModel,
    Status,
    UnknownScope,
)
from shared.contracts.envelope import event_class_for


def test_recording_fits_the_event_contracts(events):
    for event in events:
        cls = event_class_for(event["type"])
        cls.model_validate(event["data"])  # raises on a mismatch


def test_clock_is_the_last_business_date(model):
    assert model.clock == date(2026, 6, 30)


def test_realisation_per_municipality(model):
    report = model.realisation("2026", "province")
    got = {r.scope_id: (r.target, r.realised, r.lettings_seen, round(r.expected_to_date, 4),
                        r.status) for r in report.municipalities}
    assert got == {
        "GM0014": (22, 6, 20, 2.2, Status.AHEAD),  # 22 * 20/200; lag 3.8 > 1
        "GM1969": (6, 0, 10, 1.0, Status.ON_TRACK),  # 6 * 10/60; lag -1 = edge of the band
        "GM1979": (4, 2, 25, 2.0, Status.ON_TRACK),  # 4 * 25/50
        "GM0765": (4, 0, 0, round(4 * 181 / 365, 4), Status.BEHIND),  # time basis
    }
    gm0014 = report.row("GM0014")
    assert (gm0014.base_target, gm0014.carry_over, gm0014.agreement_version) == (20, 2, 2)
    assert gm0014.lag == pytest.approx(3.8)
    assert gm0014.expected_basis == "lettings"
    assert report.row("GM0765").expected_basis == "time"
    assert report.row("GM1979").carry_over == -1
    row = gm0014.to_dict()
    assert row["status"] == "ahead" and row["statusLabel"] == "voor"
    assert row["municipality"] == "GM0014" and row["name"] == "Groningen"


def test_realisation_regions_and_total(model):
    report = model.realisation("2026")
    regions = {r.scope_id: (r.target, r.realised, round(r.expected_to_date, 4), r.status)
               for r in report.regions}
    assert regions == {
        "groningen-assen": (28, 6, 3.2, Status.AHEAD),
        "eemsdelta": (4, 2, 2.0, Status.ON_TRACK),
        "oost-groningen": (4, 0, round(4 * 181 / 365, 4), Status.BEHIND),
    }
    total = report.total
    assert (total.level, total.scope_id, total.target, total.realised, total.lettings_seen) == (
        "scope", "province", 36, 8, 55)
    assert total.status == Status.ON_TRACK
    assert total.expected_basis == "mixed"


def test_realisation_per_target_group(model):
    report = model.realisation("2026")
    groups = {(r.level, r.scope_id, r.target_group): r.realised for r in report.by_target_group}
    assert groups[("municipality", "GM0014", "beschermd-wonen")] == 2
    assert groups[("municipality", "GM0014", "onbekend")] == 1  # the corporation's urgent letting
    assert groups[("municipality", "GM1979", "dakloos-gezin")] == 1
    assert groups[("scope", "province", "medisch")] == 2
    assert sum(n for (level, _, _), n in groups.items() if level == "scope") == 8
    assert all(r.target is None and r.status is None for r in report.by_target_group)


def test_realisation_for_a_region_and_a_municipality(model):
    region = model.realisation("2026", "groningen-assen")
    assert [r.scope_id for r in region.municipalities] == ["GM0014", "GM1969"]
    assert region.total.target == 28 and region.total.scope_id == "groningen-assen"
    one = model.realisation("2026", "GM1979")
    assert [r.scope_id for r in one.municipalities] == ["GM1979"]
    assert one.total.realised == 2
    with pytest.raises(UnknownScope):
        model.realisation("2026", "drenthe")


def test_realisation_as_of_counts_lettings_up_to_that_day(model):
    report = model.realisation("2026", as_of=date(2026, 3, 1))
    gm0014 = report.row("GM0014")
    # placements c2 (15 Feb), c1 (1 Mar); urgent letting 10 Feb; regular 15 Jan .. 24 Feb (5)
    assert (gm0014.realised, gm0014.lettings_seen) == (3, 8)
    assert gm0014.expected_to_date == pytest.approx(22 * 8 / 200)
    pekela = report.row("GM0765")
    assert pekela.expected_to_date == pytest.approx(4 * 60 / 365)


def test_realisation_without_an_agreement_has_no_target(model):
    report = model.realisation("2025")
    assert all(r.target is None and r.status is None for r in report.municipalities)
    assert report.row("GM1979").lettings_seen == 1  # the December 2025 letting


def test_realisation_series_is_cumulative(model):
    series = model.realisation_series("2026", step="month")
    assert [p.on for p in series][:2] == [date(2026, 1, 31), date(2026, 2, 28)]
    assert series[-1].on == date(2026, 6, 30)
    assert [p.realised for p in series] == sorted(p.realised for p in series)
    assert series[-1].realised == 8 and series[-1].target == 36
    assert series[-1].to_dict()["date"] == "2026-06-30"


def test_flows_per_month(model):
    rows = {r.month: r for r in model.flow_rows("2026")}
    assert len(rows) == 12 and rows["2026-12"].counts == {}
    expect = {
        FlowKind.REGISTERED: [5, 3, 1, 0, 1, 0],
        FlowKind.URGENCY_GRANTED: [4, 3, 2, 0, 2, 1],
        FlowKind.URGENCY_REFUSED: [0, 0, 1, 0, 0, 0],
        FlowKind.HOUSED: [0, 1, 2, 2, 1, 1],
        FlowKind.WITHDRAWN: [0, 1, 0, 0, 0, 0],
        FlowKind.EXPIRED: [0, 0, 0, 0, 1, 0],
        FlowKind.RETURNED: [0, 0, 1, 0, 0, 1],  # c8 registers again; c1 granted again
    }
    for kind, counts in expect.items():
        assert [rows[f"2026-0{i}"].count(kind) for i in range(1, 7)] == counts, kind
    assert rows["2026-03"].to_dict()["returned"] == 1


def test_flows_filters(model):
    by_muni = model.flow_rows("2026", by_municipality=True)
    gm1979 = [r for r in by_muni if r.municipality == "GM1979"]
    assert sum(r.count(FlowKind.HOUSED) for r in gm1979) == 2
    region = model.flow_rows("2026", scope="oost-groningen")
    assert sum(r.count(FlowKind.RETURNED) for r in region) == 1  # c8 in Pekela
    group = model.flow_rows("2026", target_group="medisch")
    assert sum(r.count(FlowKind.REGISTERED) for r in group) == 3  # c3, c5, c10
    everything = model.flow_rows()
    assert sum(r.count(FlowKind.REGISTERED) for r in everything) == 11  # c6 in Dec 2025


def test_waiting_times(model):
    rows = {(r.municipality, r.target_group): r for r in model.waiting_times("2026")}
    gm0014 = rows[("GM0014", ALL)]  # 10, 40, 50, 59, 151 days
    assert (gm0014.count, gm0014.median_days) == (5, 50)
    assert gm0014.p90_days == pytest.approx(59 + 0.6 * (151 - 59))
    gm1979 = rows[("GM1979", ALL)]  # 89, 90
    assert (gm1979.median_days, gm1979.p90_days) == (89.5, pytest.approx(89.9))
    total = rows[(ALL, ALL)]  # 10, 40, 50, 59, 89, 90, 151
    assert (total.count, total.median_days) == (7, 59)
    assert total.p90_days == pytest.approx(90 + 0.4 * 61)
    assert rows[("GM0014", "beschermd-wonen")].count == 2  # c7's grant date from intake
    assert total.unknown == 0
    assert model.waiting_times("2025")[-1].count == 0
    by_origin = {(r.municipality, r.target_group): r
                 for r in model.waiting_times("2026", by="origin")}
    assert by_origin[("GM1979", ALL)].count == 2


def test_proposal_funnel(model):
    total, *per = model.proposal_funnel("2026", by_municipality=True)
    assert total.municipality == ALL
    assert (total.proposed, total.accepted, total.declined, total.expired, total.placed,
            total.open) == (14, 8, 3, 1, 7, 3)
    assert (total.declined_by_corporation, total.declined_by_candidate) == (1, 2)
    assert set(total.decline_reasons) == {("candidate", "location-unsafe", 1),
                                          ("candidate", "dwelling-not-suitable", 1),
                                          ("corporation", "corporation-screening", 1)}
    gm1979 = next(r for r in per if r.municipality == "GM1979")
    assert (gm1979.proposed, gm1979.declined_by_corporation, gm1979.expired, gm1979.placed) == (
        4, 1, 1, 2)
    medisch = model.proposal_funnel("2026", target_group="medisch")[0]
    assert (medisch.proposed, medisch.placed) == (4, 2)  # p4, p5, p6 (c3) and p8 (c5)


def test_stalled_proposals(model):
    stalled = model.stalled_proposals(date(2026, 6, 30), 10)
    assert [(s.proposal_id, s.open_days) for s in stalled] == [("p11", 20)]
    with_accepted = model.stalled_proposals(date(2026, 6, 30), 10, include_accepted=True)
    assert [s.proposal_id for s in with_accepted] == ["p11", "p13"]
    assert model.stalled_proposals(date(2026, 6, 30), 20) == []  # 20 days is not beyond 20
    assert [s.proposal_id for s in model.stalled_proposals(date(2026, 7, 1), 5)] == [
        "p11", "p12"]
    data = stalled[0].event_data("province")
    from shared.contracts.events import ProposalStalled
    assert ProposalStalled.model_validate(data).open_days == 20


def test_stock_and_vacancies(model):
    total, *rows = model.stock(period="2026")
    by = {r.municipality: r for r in rows}
    assert (total.dwellings, total.care_suitable, total.open_vacancies, total.lettings) == (
        6, 2, 2, 55)
    assert total.by_accessibility == {"geen": 3, "nultreden": 1, "rollator": 1, "rolstoel": 1}
    gm0014 = by["GM0014"]
    assert (gm0014.dwellings, gm0014.open_vacancies, gm0014.urgent_lettings,
            gm0014.regular_lettings) == (3, 1, 6, 14)
    assert by["GM0765"].vacancies_withdrawn == 1 and by["GM0765"].open_vacancies == 0
    assert by["GM1979"].lettings == 25
    all_time = {r.municipality: r for r in model.stock()}
    assert all_time["GM1979"].lettings == 26
    assert [r.municipality for r in model.stock(scope="eemsdelta")] == [ALL, "GM1979"]


def test_empty_model_answers_every_query():
    empty = MonitoringModel()
    assert empty.realisation("2026").municipalities == ()
    assert empty.realisation("2026").total.realised == 0
    assert empty.flow_rows("2026-H1")[0].month == "2026-01"
    assert empty.waiting_times()[0].count == 0
    assert empty.proposal_funnel()[0].proposed == 0
    assert empty.stock()[0].dwellings == 0
    assert empty.stalled_proposals(date(2026, 1, 1), 10) == []
