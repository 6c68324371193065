"""Consumed events become the right Allocator commands; the rest is ignored on purpose."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone

import pytest
from allocation_service_helpers import Scenario
from factories import sample_event

from services.allocation.domain import Allocator, CandidateProposed, VacancyLabelled
from services.allocation.service import inbound
from services.allocation.service.outbound import emitted_event_id, to_contract
from services.allocation.worker.topics import CONSUMED
from shared.contracts import events as ev
from shared.contracts.vocabulary import TargetGroup
from shared.messaging.consuming import Rejected


def test_every_event_on_a_consumed_topic_is_either_applied_or_deliberately_ignored():
    consumed = {t.name for t in CONSUMED}
    on_inputs = {cls for cls in ev.EVENT_CLASSES if cls.TOPIC.name in consumed}
    assert on_inputs == set(inbound.TRANSLATORS) | (set(inbound.NO_EFFECT) - {ev.DwellingUpserted})


def test_events_without_effect_give_no_command():
    for cls in inbound.NO_EFFECT:
        assert inbound.command_for(sample_event(cls)) is None
    assert inbound.command_for(sample_event(ev.CandidatePlaced)) is None  # allocation's own


def test_a_candidate_profile_arrives_complete():
    scenario = Scenario()
    alloc = Allocator()
    registered = scenario.candidate(
        "c-1", household_size=3, preferred_municipalities=["GM0014"],
        excluded_municipalities=["GM1895"], region_binding="Groningen-Assen",
        available_from=date(2026, 4, 1))
    inbound.command_for(registered)(alloc)
    candidate = alloc.candidate("c-1")
    assert (candidate.household_size, candidate.registered_by) == (3, "lentis")
    assert candidate.preferred_municipalities == ("GM0014",)
    assert candidate.excluded_municipalities == ("GM1895",)
    assert candidate.region_binding == "Groningen-Assen"
    assert candidate.needs.ambulant_support and candidate.needs.care_provider == "lentis"
    assert candidate.available_from == date(2026, 4, 1)

    inbound.command_for(scenario.urgency("c-1", granted_on=date(2026, 2, 1)))(alloc)
    assert alloc.candidate("c-1").urgency.granted_on == date(2026, 2, 1)
    updated = ev.CandidateUpdated(candidate_id="c-1", updated_on=date(2026, 3, 1),
                                  profile=scenario.profile(household_size=1))
    inbound.command_for(updated)(alloc)
    assert alloc.candidate("c-1").household_size == 1
    assert alloc.candidate("c-1").urgency is not None  # an update keeps allocation's state


def test_the_agreement_keeps_its_targets_and_category_order():
    scenario = Scenario(categories=(TargetGroup.MEDISCH, TargetGroup.VROUWENOPVANG))
    alloc = Allocator()
    inbound.command_for(scenario.agreement(version=3))(alloc)
    agreement = alloc.agreement_on(date(2026, 6, 1))
    assert agreement.version == 3
    assert agreement.category_order == (TargetGroup.MEDISCH, TargetGroup.VROUWENOPVANG)
    assert agreement.target_for("GM0014").target == 10


def test_an_agreement_with_an_impossible_period_is_rejected():
    with pytest.raises(Rejected, match="period"):
        inbound.command_for(sample_event(ev.AgreementPublished, period="2026-H3"))


@pytest.mark.parametrize(("moment", "day"), [
    (datetime(2026, 3, 2, 22, 59, tzinfo=timezone.utc), date(2026, 3, 2)),
    (datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc), date(2026, 3, 3)),  # Amsterdam +1
    (datetime(2026, 7, 1, 22, 30, tzinfo=timezone.utc), date(2026, 7, 2)),  # summer +2
    (datetime(2026, 3, 2, 23, 30), date(2026, 3, 3)),  # naive: taken as UTC
])
def test_a_vacancy_is_decided_on_the_amsterdam_date_of_its_announcement(moment, day):
    assert inbound.decision_day(moment) == day


def test_a_vacancy_becomes_a_proposal_whose_events_fit_the_contracts():
    scenario = Scenario()
    alloc = Allocator()
    for event in [*scenario.setup("c-1"), scenario.vacancy("v-1")]:
        emitted = inbound.command_for(event)(alloc)
    labelled, proposed = emitted
    assert isinstance(labelled, VacancyLabelled) and labelled.labelled
    assert isinstance(proposed, CandidateProposed)
    contract = to_contract(proposed)
    assert isinstance(contract, ev.CandidateProposed)
    assert contract.model_dump() == ev.CandidateProposed.model_validate(
        dataclasses.asdict(proposed)).model_dump()
    assert contract.explanation.ranked[0].candidate_id == "c-1"


def test_emitted_ids_follow_from_their_cause_and_position():
    assert emitted_event_id("in:abc", 0) == emitted_event_id("in:abc", 0)
    assert len({emitted_event_id("in:abc", 0), emitted_event_id("in:abc", 1),
                emitted_event_id("in:abd", 0)}) == 3
