"""Issue 12, defect 3: an accepted proposal without a move-in after `stalled_accepted_days`
raises one alert on monitoring.alerts.v1 (and a line in /v1/alerts); a cancelled or placed
one, or one accepted recently, does not."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from kafka_helpers import consume_all
from monitoring_helpers import eventually, publish

from shared.contracts import events as ev
from shared.contracts import topics
from shared.contracts.periods import today_amsterdam
from shared.contracts.vocabulary import DecidedBy

pytestmark = pytest.mark.kafka

DAYS = 30  # MonitoringSettings.stalled_accepted_days


def accepted(scenario, days_ago: int):
    proposal = scenario.proposal(today_amsterdam() - timedelta(days=days_ago + 3))
    return proposal, ev.ProposalAccepted(
        proposal_id=proposal.proposal_id, vacancy_id=proposal.vacancy_id,
        candidate_id=proposal.candidate_id, municipality=proposal.municipality,
        accepted_on=today_amsterdam() - timedelta(days=days_ago))


def test_an_accepted_proposal_without_move_in_alerts_once(monitoring, scenario, province,
                                                          kafka_bootstrap):
    stalled, stalled_accepted = accepted(scenario, DAYS + 10)
    undone, undone_accepted = accepted(scenario, DAYS + 10)
    cancelled = ev.ProposalCancelled(
        proposal_id=undone.proposal_id, vacancy_id=undone.vacancy_id,
        candidate_id=undone.candidate_id, municipality=undone.municipality,
        cancelled_by=DecidedBy.CORPORATION, reason_code="dwelling-unavailable",
        cancelled_on=today_amsterdam() - timedelta(days=DAYS))
    recent, recent_accepted = accepted(scenario, 2)
    publish(kafka_bootstrap, scenario.agreement(), stalled, stalled_accepted, undone,
            undone_accepted, cancelled, recent, recent_accepted)

    def alerts():
        return [m for m in consume_all(kafka_bootstrap, topics.ALERTS.name)
                if isinstance(m.event, ev.AcceptedProposalStalled)
                and m.event.municipality == scenario.code]

    eventually(alerts)
    time.sleep(1.5)  # later rounds send nothing more
    found = alerts()
    assert [(m.event.proposal_id, m.event.accepted_days) for m in found] == [
        (stalled.proposal_id, DAYS + 10)]
    lines = eventually(lambda: [a for a in monitoring.get(
        "/v1/alerts", params={"period": str(today_amsterdam().year), "scope": scenario.code},
        headers=province).json()["alerts"] if a["kind"] == "accepted-proposal-stalled"])
    assert [(a["proposalId"], a["acceptedDays"]) for a in lines] == [
        (stalled.proposal_id, DAYS + 10)]
