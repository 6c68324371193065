"""By-name list figures and where people move, from the real broker through monitoring's
HTTP API: exact for the municipality itself and the province, suppressed for the public."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from factories import dwelling_facts, sample_event
from monitoring_helpers import bag_id, eventually, fresh_code, publish, short_id

from shared.contracts import events as ev
from shared.contracts.vocabulary import TargetGroup

pytestmark = pytest.mark.kafka


def granted(candidate: str, code: str, on: date) -> ev.UrgencyGranted:
    return sample_event(ev.UrgencyGranted, candidate_id=candidate, municipality=code,
                        category=TargetGroup.MEDISCH, granted_on=on,
                        valid_until=date(2026, 12, 31))


def placed(candidate: str, origin: str, destination: str, on: date) -> list[ev.Event]:
    bag, vacancy = bag_id(), short_id("vac")
    return [sample_event(ev.VacancyAnnounced, vacancy_id=vacancy,
                         dwelling=dwelling_facts(bag_id=bag, municipality=destination)),
            sample_event(ev.CandidatePlaced, placement_id=short_id("plc"),
                         proposal_id=short_id("prop"), vacancy_id=vacancy, bag_id=bag,
                         candidate_id=candidate, municipality=destination,
                         origin_municipality=origin, target_group=TargetGroup.MEDISCH,
                         urgency_granted_on=date(2026, 1, 10), move_in_date=on)]


@pytest.fixture
def places(kafka_bootstrap):
    """Seven households granted urgency in January in `home`; in February one moves into
    a dwelling in `away` and one withdraws; in April the housed one is granted again."""
    home, away = fresh_code(), fresh_code()
    people = [short_id("cand") for _ in range(7)]
    publish(kafka_bootstrap, *(granted(p, home, date(2026, 1, 10)) for p in people),
            *placed(people[0], home, away, date(2026, 2, 15)),
            sample_event(ev.CandidateWithdrawn, candidate_id=people[1],
                         withdrawn_on=date(2026, 2, 20)),
            granted(people[0], home, date(2026, 4, 1)))
    return home, away


def households(monitoring, code, headers, **params):
    response = monitoring.get("/v1/active-households", headers=headers,
                              params={"municipality": code, "from": "2026-01", "to": "2026-04",
                                      **params})
    assert response.status_code == 200, response.text
    return {row["month"]: row for row in response.json()["rows"]}


def test_by_name_figures_per_month(monitoring, places, tokens, province):
    home, _ = places
    own = tokens.issue(home, "municipality")
    rows = eventually(lambda: (r := households(monitoring, home, own))["2026-04"][
        "returnedAfterHousing"] == 1 and r)
    assert [rows[m]["active"] for m in sorted(rows)] == [7, 5, 5, 6]
    assert rows["2026-01"]["newlyGranted"] == 7
    assert (rows["2026-02"]["housed"], rows["2026-02"]["withdrawn"]) == (1, 1)
    assert households(monitoring, home, province) == rows  # the province sees it exactly

    public = households(monitoring, home, {})
    assert public["2026-01"]["active"] == 7
    assert public["2026-02"]["housed"] is None and public["2026-02"]["withdrawn"] is None
    assert public["2026-04"]["returnedAfterHousing"] is None  # 1 is under 5

    text = monitoring.get("/v1/active-households.csv",
                          params={"municipality": home, "from": "2026-01", "to": "2026-04"}).text
    csv_rows = {r["month"]: r for r in csv.DictReader(io.StringIO(text))}
    assert (csv_rows["2026-01"]["active"], csv_rows["2026-02"]["housed"]) == ("7", "<5")


def test_another_municipality_and_bad_months_are_refused(monitoring, places, tokens):
    home, away = places
    own = tokens.issue(home, "municipality")
    # once the placement into `away` is read, monitoring knows that municipality
    eventually(lambda: households(monitoring, home, own)["2026-02"]["housed"] == 1)
    assert monitoring.get("/v1/active-households", headers=own,
                          params={"municipality": away}).status_code == 403
    for params, name in (({"municipality": home, "from": "2026-13"}, "from"),
                         ({"municipality": home, "from": "2026-05", "to": "2026-01"}, "to"),
                         ({"municipality": "Groningen"}, "municipality")):
        response = monitoring.get("/v1/active-households", params=params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert name in response.text


def test_origin_destination_counts_placements_across_borders(monitoring, places, province,
                                                             kafka_bootstrap):
    home, away = places
    more = [short_id("cand") for _ in range(5)]
    publish(kafka_bootstrap, *(e for p in more for e in placed(p, home, away, date(2026, 3, 1))))

    def pairs(headers):
        response = monitoring.get("/v1/origin-destination", params={"period": "2026"},
                                  headers=headers)
        assert response.status_code == 200, response.text
        return {(r["origin"], r["destination"]): r["placements"]
                for r in response.json()["rows"] if home in (r["origin"], r["destination"])}

    assert eventually(lambda: pairs(province).get((home, away)) == 6)
    assert pairs({})[(home, away)] == 6  # 6 is not suppressed
    one = fresh_code()
    publish(kafka_bootstrap, *placed(short_id("cand"), one, away, date(2026, 3, 2)))
    eventually(lambda: (one, away) in {(r["origin"], r["destination"]) for r in monitoring.get(
        "/v1/origin-destination", params={"period": "2026"}, headers=province).json()["rows"]})
    public = monitoring.get("/v1/origin-destination", params={"period": "2026"}).json()
    [row] = [r for r in public["rows"] if r["origin"] == one]
    assert row["placements"] is None  # a single household's move is not public
