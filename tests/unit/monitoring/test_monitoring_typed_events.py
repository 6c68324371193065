"""Both read models take the typed events of shared/contracts/events.py as decode gives
them: every contract class applies (read or left alone), and the woonzorgvisie model reads
the fields it needs from the typed event."""

from __future__ import annotations

from datetime import datetime, timezone

from factories import (
    BAG_ID,
    CANDIDATE_ID,
    GRONINGEN,
    candidate_profile,
    dwelling_facts,
    sample_event,
    sample_events,
)

from services.monitoring.domain import MonitoringModel
from services.monitoring.domain.woonzorgvisie import WoonzorgvisieModel
from shared.contracts import events as ev
from shared.contracts.vocabulary import HousingType

WIJK = "WK001401"
FIRST = datetime(2026, 1, 10, 9, 0, tzinfo=timezone.utc)
LATER = datetime(2026, 5, 1, 9, 0, tzinfo=timezone.utc)


def test_every_event_class_of_the_contract_applies_to_both_models():
    model, woonzorgvisie = MonitoringModel(), WoonzorgvisieModel()
    events = sample_events()
    for i, event in enumerate(events):
        assert model.apply(event, f"e-{i}") is True
        woonzorgvisie.apply(event, FIRST)
    assert len(model.processed) == len(ev.EVENT_CLASSES)
    assert GRONINGEN in model.municipalities and BAG_ID in model.dwellings
    assert BAG_ID in woonzorgvisie.dwellings and woonzorgvisie.placements


def test_a_dwelling_keeps_the_time_it_was_first_seen_and_its_housing_type():
    model = WoonzorgvisieModel()
    facts = dwelling_facts(neighbourhood=WIJK)  # nultreden and care-suitable: geclusterd
    model.apply(ev.DwellingUpserted(dwelling=facts), FIRST)
    model.apply(sample_event(ev.VacancyAnnounced, dwelling=facts), LATER)
    dwelling = model.dwellings[BAG_ID]
    assert (dwelling.first_seen, dwelling.wijk, dwelling.housing_type) == \
        (FIRST, WIJK, HousingType.GECLUSTERD)


def test_stapeling_reads_care_needs_and_placements_from_the_typed_events():
    model = WoonzorgvisieModel()
    model.apply(ev.DwellingUpserted(dwelling=dwelling_facts(neighbourhood=WIJK)), FIRST)
    model.apply(sample_event(ev.CandidateRegistered), FIRST)  # needs ambulant support
    model.apply(sample_event(ev.CandidatePlaced), LATER)  # into BAG_ID in 2026

    def row() -> dict:
        [found] = [r for r in model.stapeling("2026", GRONINGEN) if r["wijk"] == WIJK]
        return found

    assert (row()["socialStock"], row()["urgentPlacements"],
            row()["careNeedingPlacements"]) == (1, 1, 1)
    no_support = candidate_profile(needs=ev.Needs(ambulant_support=False))
    model.apply(sample_event(ev.CandidateUpdated, candidate_id=CANDIDATE_ID,
                             profile=no_support), LATER)
    assert (row()["urgentPlacements"], row()["careNeedingPlacements"]) == (1, 0)
