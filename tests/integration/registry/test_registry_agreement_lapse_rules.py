"""Issue 12: an agreement's category rules may say after how many refusals without a valid
reason, or unanswered proposals, an urgency lapses; the rules are stored, served and
published on registry.agreements.v1 (additive fields: absent means no lapse rule)."""

from __future__ import annotations

import pytest
from registry_helpers import events_on, outbox_event_ids, wait_for_relay

from shared.contracts import topics

pytestmark = pytest.mark.kafka

CATEGORIES = [
    {"category": "beschermd-wonen", "validityDays": 90, "lapseAfterRefusals": 2,
     "lapseAfterUnanswered": 3},
    {"category": "medisch", "validityDays": 180},
]


def body(categories) -> dict:
    return {"urgentShare": 0.27, "expectedLettings": 1000, "categories": categories,
            "keyWeights": {"population": 1.0, "socialStock": 0.0, "lettings": 0.0}}


def test_lapse_rules_are_stored_served_and_published(registry, province, kafka_bootstrap):
    put = registry.put("/v1/agreements/groningen-assen/2027", json=body(CATEGORIES),
                       headers=province)
    assert put.status_code == 201, put.text
    served = registry.get("/v1/agreements/groningen-assen/2027", headers=province).json()
    assert served["categories"] == [
        {"category": "beschermd-wonen", "validityDays": 90, "lapseAfterRefusals": 2,
         "lapseAfterUnanswered": 3},
        {"category": "medisch", "validityDays": 180, "lapseAfterRefusals": None,
         "lapseAfterUnanswered": None}]
    wait_for_relay(registry)
    mine = outbox_event_ids(registry)
    [published] = [m.event for m in events_on(kafka_bootstrap, topics.AGREEMENTS.name,
                                              {"groningen-assen:2027"})
                   if m.received.id in mine]
    rules = {c.category: (c.lapse_after_refusals, c.lapse_after_unanswered)
             for c in published.categories}
    assert rules == {"beschermd-wonen": (2, 3), "medisch": (None, None)}


@pytest.mark.parametrize("rule", [{"lapseAfterRefusals": 0}, {"lapseAfterUnanswered": -1},
                                  {"lapseAfterRefusals": "twee"}])
def test_a_bad_lapse_rule_is_refused(registry, province, rule):
    categories = [{"category": "medisch", "validityDays": 90} | rule]
    response = registry.put("/v1/agreements/groningen-assen/2027", json=body(categories),
                            headers=province)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert any(p["name"].startswith("categories") for p in response.json()["invalidParams"])
