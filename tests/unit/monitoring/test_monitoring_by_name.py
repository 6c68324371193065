"""By-name list figures (domain/by_name.py) from events applied to the model, as the
consumer applies them: per municipality and month, the life-cycle steps of urgency."""

from __future__ import annotations

import itertools

import pytest

from services.monitoring.domain import ALL, MonitoringModel
from typed_events import typed

GM = "GM0014"
MONTHS = [f"2026-{m:02d}" for m in range(1, 7)]
_ids = itertools.count()


def apply(model: MonitoringModel, name: str, **data) -> None:
    model.apply(typed(name, data), f"e-{next(_ids)}")


def grant(model, cid, on, municipality=GM):
    apply(model, "intake.urgency-granted", candidateId=cid, municipality=municipality,
          category="medisch", grantedOn=on, validUntil="2026-12-31")


def placed(model, cid, on):
    apply(model, "allocation.candidate-placed", placementId=f"pl-{cid}-{on}",
          proposalId=f"p-{cid}-{on}", vacancyId=f"v-{cid}-{on}", bagId="0014010000000001",
          candidateId=cid, municipality="GM1969", originMunicipality=GM,
          targetGroup="medisch", urgencyGrantedOn="2026-01-10", moveInDate=on)


def by_month(model, municipality=GM) -> dict[str, dict]:
    return {r["month"]: r for r in model.by_name_figures(MONTHS, municipality)}


@pytest.fixture
def model() -> MonitoringModel:
    m = MonitoringModel()
    for cid in ("a", "b", "c", "d", "e"):
        grant(m, cid, "2026-01-10")
    placed(m, "a", "2026-02-15")
    grant(m, "a", "2026-04-01")  # back after a failed tenancy
    apply(m, "intake.candidate-withdrawn", candidateId="b", withdrawnOn="2026-03-03")
    apply(m, "intake.urgency-expired", candidateId="c", municipality=GM, expiredOn="2026-03-31")
    apply(m, "intake.urgency-revoked", candidateId="d", municipality=GM, revokedOn="2026-05-02",
          reasonCode="no-longer-eligible")
    apply(m, "intake.urgency-lapsed", candidateId="e", municipality=GM, lapsedOn="2026-05-20",
          reasonCode="refusals")
    apply(m, "intake.urgency-refused", candidateId="f", municipality=GM, category="medisch",
          refusedOn="2026-02-02")
    return m


def test_active_at_month_end_follows_every_step(model):
    active = {month: row["active"] for month, row in by_month(model).items()}
    assert active == {"2026-01": 5, "2026-02": 4, "2026-03": 2, "2026-04": 3, "2026-05": 1,
                      "2026-06": 1}


def test_inflow_and_outflow_each_in_its_month(model):
    rows = by_month(model)
    assert rows["2026-01"]["newlyGranted"] == 5
    assert (rows["2026-02"]["housed"], rows["2026-02"]["refused"]) == (1, 1)
    assert (rows["2026-03"]["withdrawn"], rows["2026-03"]["lapsedOrExpired"]) == (1, 1)
    assert (rows["2026-04"]["returnedAfterHousing"], rows["2026-04"]["newlyGranted"]) == (1, 0)
    assert (rows["2026-05"]["revoked"], rows["2026-05"]["lapsedOrExpired"]) == (1, 1)


def test_an_expiry_after_housing_and_a_renewal_count_nowhere():
    m = MonitoringModel()
    grant(m, "x", "2026-01-10")
    grant(m, "x", "2026-02-10")  # renewal while urgent
    placed(m, "x", "2026-03-01")
    apply(m, "intake.urgency-expired", candidateId="x", municipality=GM, expiredOn="2026-04-10")
    rows = by_month(m)
    assert sum(r["newlyGranted"] for r in rows.values()) == 1
    assert sum(r["lapsedOrExpired"] for r in rows.values()) == 0
    assert rows["2026-03"]["housed"] == 1 and rows["2026-03"]["active"] == 0


def test_steps_arriving_out_of_date_order_give_the_same_figures(model):
    late = MonitoringModel()
    placed(late, "a", "2026-02-15")  # the placements topic read before the candidates topic
    for cid in ("a", "b", "c", "d", "e"):
        grant(late, cid, "2026-01-10")
    grant(late, "a", "2026-04-01")
    apply(late, "intake.candidate-withdrawn", candidateId="b", withdrawnOn="2026-03-03")
    apply(late, "intake.urgency-expired", candidateId="c", municipality=GM,
          expiredOn="2026-03-31")
    assert by_month(late)["2026-04"]["returnedAfterHousing"] == 1
    assert by_month(late)["2026-03"]["active"] == 2  # d and e


def test_without_a_municipality_every_one_and_a_total(model):
    grant(model, "g", "2026-01-20", municipality="GM1969")
    rows = model.by_name_figures(MONTHS)
    total = {r["month"]: r["active"] for r in rows if r["municipality"] == ALL}
    assert total["2026-01"] == 6
    assert {r["municipality"] for r in rows} == {GM, "GM1969", ALL}
