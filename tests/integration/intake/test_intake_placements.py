"""Intake consumes allocation's placements: a placed candidate is housed and may be erased."""

from __future__ import annotations

from datetime import date

import pytest
from intake_helpers import candidate_body, wait_until
from kafka_helpers import produce

from shared.contracts import topics
from shared.contracts.envelope import encode
from shared.contracts.events import CandidatePlaced

pytestmark = pytest.mark.kafka


def placement(candidate_id: str) -> CandidatePlaced:
    return CandidatePlaced(
        placement_id=f"pl-{candidate_id[:8]}", proposal_id="prop-1", vacancy_id="vac-1",
        bag_id="0014010011067299", candidate_id=candidate_id, municipality="GM0014",
        origin_municipality="GM0014", target_group="beschermd-wonen",
        move_in_date=date(2026, 12, 1),
    )


def test_a_placed_candidate_is_housed_and_can_be_erased(intake, provider, kafka_bootstrap):
    candidate = intake.post("/v1/candidates", json=candidate_body(), headers=provider).json()
    url = f"/v1/candidates/{candidate['id']}"
    event = placement(candidate["id"])
    payload = encode(event, source="urn:woonregie:allocation")
    produce(kafka_bootstrap, topics.PLACEMENTS.name, event.key(), payload)
    produce(kafka_bootstrap, topics.PLACEMENTS.name, event.key(), payload)  # redelivery

    housed = wait_until(lambda: (lambda c: c if c["status"] == "housed" else None)(
        intake.get(url, headers=provider).json()), timeout=40)
    assert housed["housedOn"] == "2026-12-01"
    assert intake.delete(url, headers=provider).status_code == 204
    assert intake.get(url, headers=provider).json()["status"] == "erased"
