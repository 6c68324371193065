"""Decline reasons in the public funnel are codes with Dutch labels, the candidate's side and
the corporation's apart; a record written before the code list (free text) is counted under
the legacy code and its text shows nowhere."""

from __future__ import annotations

import json
from datetime import date

import pytest
from factories import sample_event
from kafka_helpers import produce
from monitoring_helpers import eventually, publish

from shared.contracts import events as ev
from shared.contracts.envelope import encode
from shared.contracts.vocabulary import DecidedBy

pytestmark = pytest.mark.kafka

LEGACY_TEXT = "huurachterstand bij vorige verhuurder"


def declined(proposal: ev.CandidateProposed, by: DecidedBy, code: str) -> ev.ProposalDeclined:
    return sample_event(ev.ProposalDeclined, proposal_id=proposal.proposal_id,
                        vacancy_id=proposal.vacancy_id, candidate_id=proposal.candidate_id,
                        municipality=proposal.municipality, decided_by=by, reason_code=code,
                        declined_on=date(2026, 2, 3))


def legacy_record(event: ev.ProposalDeclined) -> bytes:
    """The event as allocation wrote it before the code list: free text in `reason`."""
    document = json.loads(encode(event, source="urn:woonregie:tests:legacy"))
    document["data"].pop("reasonCode")
    document["data"]["reason"] = LEGACY_TEXT
    return json.dumps(document).encode()


def funnel_reasons(monitoring, scenario, headers) -> dict[tuple[str, str], dict]:
    response = monitoring.get("/v1/proposal-funnel", params=scenario.query, headers=headers)
    assert response.status_code == 200, response.text
    [total] = [r for r in response.json()["rows"] if r["municipality"] == "all"]
    return {(r["decidedBy"], r["reasonCode"]): r for r in total["declineReasons"]}


def test_the_funnel_counts_decline_codes_per_side_with_labels(monitoring, scenario, province,
                                                              kafka_bootstrap):
    proposals = [scenario.proposal(date(2026, 2, 1)) for _ in range(7)]
    by_candidate = [declined(p, DecidedBy.CANDIDATE, "no-show") for p in proposals[:5]]
    by_corporation = declined(proposals[5], DecidedBy.CORPORATION, "corporation-screening")
    publish(kafka_bootstrap, scenario.agreement(), *proposals, *by_candidate, by_corporation)
    old = declined(proposals[6], DecidedBy.CORPORATION, "corporation-screening")
    produce(kafka_bootstrap, ev.ProposalDeclined.TOPIC.name, old.key(), legacy_record(old))

    reasons = eventually(lambda: len(funnel_reasons(monitoring, scenario, province)) == 3
                         and funnel_reasons(monitoring, scenario, province))
    assert reasons[("candidate", "no-show")]["count"] == 5
    assert reasons[("candidate", "no-show")]["label"] == "Niet verschenen bij de bezichtiging"
    assert reasons[("corporation", "corporation-screening")]["count"] == 1
    assert reasons[("corporation", "unspecified")]["count"] == 1  # the legacy record
    for headers in (province, {}):
        for path in ("/v1/proposal-funnel", "/v1/proposal-funnel.csv"):
            text = monitoring.get(path, params=scenario.query, headers=headers).text
            assert "huurachterstand" not in text.lower()

    public = funnel_reasons(monitoring, scenario, {})
    assert public[("candidate", "no-show")]["count"] == 5
    assert public[("corporation", "corporation-screening")]["count"] is None  # under 5
