"""Woonzorgvisie in monitoring, from a small hand-made dataset on the real broker: the
housing gap per municipality and wijk, stapeling per wijk with its alert, and the building
programme's realisation as dwellings appear on the stock feed. Every expected number is
worked out by hand in the comments."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from factories import candidate_profile, dwelling_facts, sample_event
from kafka import KafkaProducer
from kafka_helpers import consume_all
from monitoring_helpers import SOURCE, bag_id, eventually, fresh_code, short_id

from shared.contracts import events as ev
from shared.contracts import topics
from shared.contracts.envelope import encode
from shared.contracts.vocabulary import Accessibility as A

pytestmark = pytest.mark.kafka
BEFORE = datetime(2026, 1, 10, 9, 0, tzinfo=timezone.utc)  # the stock as it was
IMPORTED = datetime(2026, 2, 1, 9, 0, tzinfo=timezone.utc)  # need and programme imported
NEW_HOME = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)  # a programme home appears


def publish_at(bootstrap: str, at: datetime, *events: ev.Event) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        for future in [producer.send(e.TOPIC.name, key=e.key().encode(),
                                     value=encode(e, source=SOURCE, time=at)) for e in events]:
            future.get(timeout=10)
    finally:
        producer.close(timeout=10)


class Dataset:
    """One fresh municipality C with wijken W1 and W2.

    Stock before the programme: W1 = 1 zelfstandig, 1 nultreden, 1 geclusterd;
    W2 = 4 zelfstandig, 1 nultreden (rolstoel, no care), 1 beschermd (rolstoel + care).
    After the programme started one new nultreden home appears in W1: C then holds
    zelfstandig 5, nultreden 3, geclusterd 1, beschermd 1 (10 homes; W1 4, W2 6)."""

    def __init__(self, illustrative: bool = False) -> None:
        self.illustrative = illustrative
        self.code = fresh_code()
        self.w1, self.w2 = f"WK{self.code[2:]}01", f"WK{self.code[2:]}02"
        self.scope = short_id("wzv")
        self.w1_homes: list[str] = []
        self.w2_homes: list[str] = []

    def home(self, wijk: str, accessibility: A, care: bool) -> ev.DwellingUpserted:
        bag = bag_id()
        (self.w1_homes if wijk == self.w1 else self.w2_homes).append(bag)
        return ev.DwellingUpserted(dwelling=dwelling_facts(
            bag_id=bag, municipality=self.code, neighbourhood=wijk, accessibility=accessibility,
            care_suitable=care))

    def stock(self) -> list[ev.Event]:
        w1 = [(A.GEEN, False), (A.NULTREDEN, False), (A.ROLLATOR, True)]
        w2 = [(A.GEEN, False)] * 4 + [(A.ROLSTOEL, False), (A.ROLSTOEL, True)]
        return ([sample_event(ev.MunicipalityUpserted, code=self.code, name="Wzvdam",
                              region=self.scope, province="Groningen", population=5000)]
                + [self.home(self.w1, a, c) for a, c in w1]
                + [self.home(self.w2, a, c) for a, c in w2])

    def imported(self, kind: str, **figures) -> ev.WoonzorgvisieImported:
        return ev.WoonzorgvisieImported(
            import_id=short_id("imp"), kind=kind, version=1, org="provincie-groningen",
            source="hand-made test set", imported_at=IMPORTED, illustrative=self.illustrative,
            **figures)

    def imports(self) -> list[ev.Event]:
        c, w1 = self.code, self.w1
        need = [ev.NeedFigure(area=area, year=year, target_group=group, housing_type=kind,
                              households=n)
                for area, year, group, kind, n in [
                    (c, 2030, "ouderen-75", "nultreden", 20),
                    (c, 2030, "medisch", "zelfstandig", 8),
                    (c, 2030, "beschermd-wonen", "beschermd", 2),
                    (c, 2040, "ouderen-75", "nultreden", 30),
                    (w1, 2030, "ouderen-75", "nultreden", 12)]]
        forecast = [ev.ForecastFigure(area=c, year=2025, age_band="75+", persons=100),
                    ev.ForecastFigure(area=c, year=2030, age_band="75+", persons=200)]
        rates = [ev.NeedRate(age_band="75+", housing_type="nultreden", rate=0.25),
                 ev.NeedRate(age_band="75+", housing_type="geclusterd", rate=0.1)]
        programme = [ev.ProgrammeFigure(area=c, year=y, housing_type=t, change=n, owner=o)
                     for y, t, n, o in [(2027, "nultreden", 10, "Nijestee"),
                                        (2028, "zelfstandig", -3, "Lefier"),
                                        (2035, "geclusterd", 4, "Lefier")]]
        return [self.imported("housing-need", need=need),
                self.imported("population-forecast", forecast=forecast, rates=rates),
                self.imported("building-programme", programme=programme)]

    def agreement(self) -> ev.AgreementPublished:
        return sample_event(ev.AgreementPublished, scope=self.scope, period="2026",
                            municipalities=[self.code], targets=[], stapeling_threshold=1.5)

    def placement(self, bag: str, move_in: date, care: bool) -> list[ev.Event]:
        candidate = short_id("cand")
        profile = candidate_profile(needs=ev.Needs(ambulant_support=care))
        return [sample_event(ev.CandidateRegistered, candidate_id=candidate, profile=profile),
                sample_event(ev.CandidatePlaced, placement_id=short_id("plc"),
                             proposal_id=short_id("prop"), vacancy_id=short_id("vac"),
                             bag_id=bag, candidate_id=candidate, municipality=self.code,
                             origin_municipality=self.code, move_in_date=move_in)]

    def placements(self) -> list[ev.Event]:
        # 2026: W1 4 urgent placements (2 needing care), W2 1 (no care); 2025: W2 1
        spring = date(2026, 3, 2)
        return (self.placement(self.w1_homes[0], spring, True)
                + self.placement(self.w1_homes[1], spring, True)
                + self.placement(self.w1_homes[2], spring, False)
                + self.placement(self.w1_homes[0], spring, False)
                + self.placement(self.w2_homes[0], spring, False)
                + self.placement(self.w2_homes[1], date(2025, 11, 3), True))


def gap_cells(monitoring, headers, **params) -> dict:
    response = monitoring.get("/v1/housing-gap", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return {(r["area"], r["housingType"]): r for r in response.json()["rows"]}


def figures(row: dict, year: int) -> tuple:
    cells = row["years"][str(year)]
    return cells["need"], cells["supplyNow"], cells["supplyWithProgramme"], cells["gap"]


def realisation(monitoring, headers, code: str) -> dict:
    response = monitoring.get("/v1/programme-realisation", params={"municipality": code},
                              headers=headers)
    assert response.status_code == 200, response.text
    return {(r["year"], r["housingType"]): (r["planned"], r["delivered"])
            for r in response.json()["rows"]}


def test_gap_stapeling_and_realisation_from_a_hand_made_dataset(monitoring, province,
                                                               kafka_bootstrap):
    data = Dataset()
    publish_at(kafka_bootstrap, BEFORE, *data.stock())
    publish_at(kafka_bootstrap, IMPORTED, *data.imports(), data.agreement())

    # planned new homes per year and type; nothing delivered yet
    assert eventually(lambda: realisation(monitoring, province, data.code) == {
        (2027, "nultreden"): (10, 0), (2035, "geclusterd"): (4, 0)})

    new_home = data.home(data.w1, A.NULTREDEN, False)
    publish_at(kafka_bootstrap, NEW_HOME, new_home)  # the stock feed shows a programme home
    assert eventually(lambda: realisation(monitoring, province, data.code) == {
        (2026, "nultreden"): (0, 1), (2027, "nultreden"): (10, 0),
        (2035, "geclusterd"): (4, 0)})

    rows = gap_cells(monitoring, province, year=2030, area=data.code)
    c = data.code
    assert set(rows) == {(c, t) for t in ("zelfstandig", "nultreden", "geclusterd", "beschermd")}
    # zelfstandig 2030: need 8; now 5; -3 demolished by 2028 -> 2; gap 8 - 2 = 6
    assert figures(rows[(c, "zelfstandig")], 2030) == (8, 5, 2, 6)
    # nultreden 2030: need 20 (counted, so the forecast of 2030 is not used); now 3;
    # 10 planned by 2027, 1 of them delivered -> 3 + 9 = 12; gap 20 - 12 = 8
    assert figures(rows[(c, "nultreden")], 2030) == (20, 3, 12, 8)
    assert (rows[(c, "nultreden")]["need"], rows[(c, "nultreden")]["gap"]) == (20, 8)
    # 2025 has no counted need: forecast 100 persons 75+ x 0.25 = 25; nothing planned by 2025
    assert figures(rows[(c, "nultreden")], 2025) == (25, 3, 3, 22)
    # 2040: need 30, supply with the programme still 12
    assert figures(rows[(c, "nultreden")], 2040) == (30, 3, 12, 18)
    # geclusterd: 2025 forecast 100 x 0.1 = 10 against 1; 2040: +4 planned for 2035 -> 5
    assert figures(rows[(c, "geclusterd")], 2025) == (10, 1, 1, 9)
    assert figures(rows[(c, "geclusterd")], 2030) == (0, 1, 1, -1)
    assert figures(rows[(c, "geclusterd")], 2040) == (0, 1, 5, -5)
    assert figures(rows[(c, "beschermd")], 2030) == (2, 1, 1, 1)

    wijken = gap_cells(monitoring, province, year=2030, area=c, level="wijk")
    # W1 nultreden: need 12 (its own row); now 1 + the new home = 2; the programme is set
    # for the municipality, not the wijk, so nothing more is planned here: gap 10
    assert figures(wijken[(data.w1, "nultreden")], 2030) == (12, 2, 2, 10)
    assert figures(wijken[(data.w2, "zelfstandig")], 2030) == (0, 4, 4, -4)

    public = gap_cells(monitoring, {}, year=2030, area=c)
    # cells under 5 are suppressed for anonymous callers, with what derives from them
    assert figures(public[(c, "zelfstandig")], 2030) == (8, 5, None, None)
    assert figures(public[(c, "nultreden")], 2025) == (25, None, None, None)

    publish_at(kafka_bootstrap, IMPORTED, *data.placements())
    # period 2026, stock W1 4 of 10 = 0.4, W2 0.6; urgent W1 4 of 5 = 0.8 (ratio 2.0),
    # W2 0.2 (ratio 0.33); care-needing W1 2 of 2 = 1.0 (ratio 2.5), W2 0 -> index W1 2.5
    # (above the threshold 1.5: flagged), W2 max(0.33, 0) = 0.33
    def stapeling(headers):
        response = monitoring.get("/v1/stapeling", params={"period": "2026",
                                                           "municipality": c}, headers=headers)
        assert response.status_code == 200, response.text
        return {r["wijk"]: r for r in response.json()["rows"]}

    by_wijk = eventually(lambda: (found := stapeling(province))
                         and found[data.w1]["urgentPlacements"] == 4 and found)
    w1, w2 = by_wijk[data.w1], by_wijk[data.w2]
    assert (w1["socialStock"], w1["urgentPlacements"], w1["careNeedingPlacements"]) == (4, 4, 2)
    assert (w1["stockShare"], w1["urgentShare"], w1["careShare"]) == (0.4, 0.8, 1.0)
    assert (w1["index"], w1["threshold"], w1["flagged"]) == (2.5, 1.5, True)
    assert (w2["socialStock"], w2["urgentPlacements"], w2["careNeedingPlacements"]) == (6, 1, 0)
    assert (w2["stockShare"], w2["urgentShare"], w2["careShare"]) == (0.6, 0.2, 0.0)
    assert (w2["index"], w2["flagged"]) == (0.33, False)
    anonymous = stapeling({})[data.w1]
    assert (anonymous["socialStock"], anonymous["index"], anonymous["flagged"]) == (
        None, None, None)

    alerts = eventually(lambda: [m for m in consume_all(kafka_bootstrap, topics.ALERTS.name)
                                 if isinstance(m.event, ev.StapelingFlagged)
                                 and m.event.municipality == c])
    assert [(m.event.wijk, m.event.period, m.event.index, m.event.threshold) for m in alerts] == [
        (data.w1, "2026", 2.5, 1.5)]

    as_csv = monitoring.get("/v1/stapeling", params={"period": "2026", "municipality": c,
                                                     "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[0].startswith("municipality,name,wijk,period,socialStock")
    assert f"{c},Wzvdam,{data.w1},2026,<5,<5,<5" in as_csv.text


def test_a_malformed_import_goes_to_the_dlq_with_its_reason(monitoring, province,
                                                            kafka_bootstrap):
    import json

    from kafka_helpers import produce

    data = Dataset()
    bad, good = data.imports()[0], data.imports()[0]
    raw = encode(bad, source=SOURCE).replace(b'"housingType":"nultreden"',
                                             b'"housingType":"villa"', 1)
    assert b"villa" in raw
    produce(kafka_bootstrap, topics.WOONZORGVISIE.name, bad.key(), raw)
    publish_at(kafka_bootstrap, IMPORTED, good)

    def letters():
        return [json.loads(m.value) for m in consume_all(
            kafka_bootstrap, f"{topics.WOONZORGVISIE.name}.dlq") if m.key == bad.key()]

    found = eventually(letters)
    assert len(found) == 1 and "housingType" in found[0]["error"], found
    # reading goes on: the good import of the same figures counts
    rows = eventually(lambda: (r := gap_cells(monitoring, province, year=2030, area=data.code))
                      and r[(data.code, "nultreden")]["need"] == 20 and r)
    assert rows[(data.code, "zelfstandig")]["need"] == 8
