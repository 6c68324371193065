"""The fair-share controller: pace, cap, candidates, and the order when candidates are scarce."""

from datetime import date

import pytest
from allocation_builders import GRONINGEN, OLDAMBT, PEKELA, vacancy

from services.allocation.domain.controller import (
    FairShareState,
    LabelCode,
    Pacing,
    decide,
    decide_pace,
    order_by_lag,
    whole_ceiling,
)


def state(urgent=0, lettings=0, target=10, expected=40.0, cap=0.5, municipality=GRONINGEN):
    return FairShareState(municipality, "2026", target, expected, cap, urgent, lettings)


def test_first_vacancy_of_a_municipality_with_a_target_is_labelled():
    decision = decide(state(target=1, expected=200.0), eligible_count=1)
    assert decision.labelled and decision.code is LabelCode.BEHIND_PACE
    assert "achter op schema" in decision.reason


def test_no_target_means_no_label():
    assert decide(state(target=0), eligible_count=5).code is LabelCode.NO_TARGET


def test_no_agreement_means_no_label():
    decision = decide(None, eligible_count=5, municipality=PEKELA)
    assert decision.code is LabelCode.NO_AGREEMENT and PEKELA in decision.reason


def test_labels_while_behind_the_pace_counting_the_vacancy_at_hand():
    # target 10 of 40 lettings: one urgent per four lettings.
    assert decide(state(urgent=1, lettings=3), 1).labelled is False  # pace(4) = 1.0
    assert decide(state(urgent=1, lettings=4), 1).labelled is True  # pace(5) = 1.25
    assert decide(state(urgent=1, lettings=4), 1).code is LabelCode.BEHIND_PACE
    assert decide(state(urgent=1, lettings=3), 1).code is LabelCode.ON_PACE


def test_following_the_pace_from_zero_realises_the_target_share():
    urgent = lettings = 0
    for _ in range(40):
        if decide(state(urgent=urgent, lettings=lettings), 1).labelled:
            urgent += 1
        lettings += 1
    assert urgent == 10


def test_stops_at_the_target_even_when_lettings_exceed_expectations():
    assert decide(state(urgent=10, lettings=60, cap=1.0), 1).code is LabelCode.ON_PACE


def test_never_above_the_cap_counted_in_whole_lettings():
    # target 30 of 40 asks for 75%, the cap allows 50%.
    high = dict(target=30, expected=40.0, cap=0.5)
    assert decide(state(urgent=0, lettings=0, **high), 1).labelled  # 1 <= ceil(0.5)
    assert decide(state(urgent=1, lettings=1, **high), 1).code is LabelCode.CAP_REACHED
    assert decide(state(urgent=1, lettings=2, **high), 1).labelled  # 2 <= ceil(1.5)
    assert "plafond" in decide(state(urgent=1, lettings=1, **high), 1).reason


def test_cap_share_holds_over_a_period():
    urgent = lettings = 0
    for _ in range(100):
        if decide(state(urgent, lettings, target=80, expected=100.0, cap=0.3), 1).labelled:
            urgent += 1
        lettings += 1
        assert urgent <= whole_ceiling(0.3 * lettings)
    assert urgent == 30


def test_zero_cap_never_labels():
    assert decide(state(cap=0.0), 1).code is LabelCode.CAP_REACHED


def test_nothing_is_labelled_without_an_eligible_candidate():
    decision = decide(state(), eligible_count=0)
    assert not decision.labelled and decision.code is LabelCode.NO_CANDIDATE


def test_pace_decision_needs_no_candidates():
    assert decide_pace(state()).labelled


def test_expected_lettings_zero_labels_up_to_the_target():
    assert decide(state(urgent=2, lettings=2, target=3, expected=0.0, cap=1.0), 1).labelled
    assert not decide(state(urgent=3, lettings=3, target=3, expected=0.0, cap=1.0), 1).labelled


@pytest.mark.parametrize("value, expected", [(3.0000000000000004, 3), (0.5, 1), (0.0, 0),
                                             (2.01, 3)])
def test_whole_ceiling_ignores_float_noise(value, expected):
    assert whole_ceiling(value) == expected


def test_furthest_behind_first_relative_to_the_target():
    states = {
        GRONINGEN: state(urgent=10, lettings=40, target=50, expected=100.0),  # lag 0.21 / 50
        OLDAMBT: state(urgent=0, lettings=10, target=6, expected=30.0, municipality=OLDAMBT),
        PEKELA: None,  # no agreement: last
    }
    vacs = [vacancy("v-p", municipality=PEKELA), vacancy("v-g", municipality=GRONINGEN),
            vacancy("v-o", municipality=OLDAMBT)]
    assert [v.id for v in order_by_lag(vacs, states)] == ["v-o", "v-g", "v-p"]


def test_order_by_lag_breaks_ties_by_date_then_id():
    states = {GRONINGEN: state()}
    vacs = [vacancy("b", available_from=date(2026, 4, 1)), vacancy("c"), vacancy("a")]
    assert [v.id for v in order_by_lag(vacs, states)] == ["a", "c", "b"]


def test_surplus_is_relative_and_clamped():
    assert state(urgent=5, lettings=20, target=10, expected=40.0).surplus == 0.0
    assert state(urgent=8, lettings=20, target=10, expected=40.0).surplus == pytest.approx(0.3)
    assert state(urgent=50, lettings=20, target=10, expected=40.0).surplus == 1.0
    assert state(urgent=0, lettings=40, target=10, expected=40.0).surplus == -1.0


def front_loaded(urgent=0, lettings=0, target=10, expected=40.0, cap=0.5, tolerance=0.02):
    return FairShareState(GRONINGEN, "2026", target, expected, cap, urgent, lettings,
                          Pacing.FRONT_LOADED, tolerance)


def test_front_loaded_labels_ahead_of_the_even_pace_up_to_the_top_of_the_band():
    # even pacing would refuse: pace(4) = 1.0 and one urgent letting is already made
    assert decide(state(urgent=1, lettings=3), 1).code is LabelCode.ON_PACE
    assert decide(front_loaded(urgent=1, lettings=3), 1).labelled
    # target 50, band top ceil(51.0) = 51: the 51st is labelled, the 52nd is not
    wide = dict(target=50, expected=400.0, cap=1.0)
    assert decide(front_loaded(urgent=50, lettings=60, **wide), 1).labelled
    full = decide(front_loaded(urgent=51, lettings=60, **wide), 1)
    assert full.code is LabelCode.BAND_FULL and "bovenkant van de band" in full.reason


def test_front_loaded_still_keeps_the_cap_and_needs_a_candidate():
    assert decide(front_loaded(urgent=1, lettings=1), 1).code is LabelCode.CAP_REACHED
    assert decide(front_loaded(), 0).code is LabelCode.NO_CANDIDATE


def test_front_loaded_realises_the_band_top_in_the_first_lettings_the_cap_allows():
    urgent = lettings = 0
    labelled_at = []
    for _ in range(40):
        if decide(front_loaded(urgent, lettings, target=10, cap=0.5), 1).labelled:
            urgent += 1
            labelled_at.append(lettings + 1)
        lettings += 1
    assert urgent == whole_ceiling(10 * 1.02) == 11
    assert labelled_at == [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21]  # every other: the 50% cap


def test_monitoring_still_sees_the_even_expected_to_date_under_front_loading():
    assert front_loaded(urgent=5, lettings=20).expected_to_date == 5.0
    assert front_loaded(urgent=5, lettings=20).surplus == 0.0
