"""Ranking: category, waiting time, preference, fair-share balance, deterministic tie-break."""

from datetime import date

from allocation_builders import (
    GRONINGEN,
    OLDAMBT,
    PEKELA,
    TODAY,
    candidate,
    urgency,
    vacancy,
)

from services.allocation.domain.ranking import (
    RankingContext,
    ScoreWeights,
    balance,
    category_priority,
    components,
    preference,
    rank,
    score,
    waiting_days,
)
from shared.contracts.vocabulary import TargetGroup as G

ORDER = (G.VROUWENOPVANG, G.MANTELZORG, G.BESCHERMD_WONEN)


def ctx(surplus=None):
    return RankingContext(TODAY, ORDER, surplus or {})


def test_category_priority_follows_the_agreement_order():
    scores = [category_priority(candidate(urgency=urgency(category=c)), ORDER) for c in ORDER]
    assert scores == [3.0, 2.0, 1.0]
    assert category_priority(candidate(urgency=urgency(category=G.DETENTIE)), ORDER) == 0.0


def test_waiting_days_count_from_the_grant_and_never_go_negative():
    assert waiting_days(candidate(urgency=urgency(granted_on=date(2026, 2, 20))), TODAY) == 10
    assert waiting_days(candidate(urgency=urgency(granted_on=date(2026, 3, 9))), TODAY) == 0
    assert waiting_days(candidate(urgency=None), TODAY) == 0


def test_preference_prefers_the_destination_then_the_indifferent():
    assert preference(candidate(preferred_municipalities=(OLDAMBT,)), OLDAMBT) == 1.0
    assert preference(candidate(preferred_municipalities=()), OLDAMBT) == 0.5
    assert preference(candidate(preferred_municipalities=(GRONINGEN,)), OLDAMBT) == 0.0


def test_balance_favours_candidates_from_an_over_served_origin():
    surplus = {GRONINGEN: 0.4, PEKELA: -0.3}
    from_ahead = candidate(registration_municipality=GRONINGEN)
    from_behind = candidate(registration_municipality=PEKELA)
    local = candidate(registration_municipality=OLDAMBT)
    assert balance(from_ahead, OLDAMBT, surplus) == 0.4
    assert balance(from_behind, OLDAMBT, surplus) == -0.3
    assert balance(local, OLDAMBT, surplus | {OLDAMBT: 0.9}) == 0.0  # moves no load
    assert balance(from_ahead, OLDAMBT, {GRONINGEN: 7.0}) == 1.0  # clamped


def test_score_is_the_weighted_sum_of_components():
    parts = {"category": 2.0, "waiting": 10.0, "preference": 0.5, "balance": -0.5}
    weights = ScoreWeights(category=100, waiting=1, preference=30, balance=20)
    assert score(parts, weights) == 200 + 10 + 15 - 10


def test_components_are_reported_by_name():
    parts = components(candidate(), vacancy(municipality=OLDAMBT), ctx())
    assert set(parts) == {"category", "waiting", "preference", "balance"}


def test_higher_category_beats_longer_waiting_within_a_validity_period():
    early_low = candidate("a", urgency=urgency(G.BESCHERMD_WONEN, date(2025, 12, 5)))
    late_high = candidate("b", urgency=urgency(G.MANTELZORG, date(2026, 3, 1)))
    ranked = rank([early_low, late_high], vacancy(), ctx(), ScoreWeights())
    assert [r.candidate_id for r in ranked] == ["b", "a"]


def test_weights_can_make_waiting_dominate():
    early_low = candidate("a", urgency=urgency(G.BESCHERMD_WONEN, date(2025, 12, 5)))
    late_high = candidate("b", urgency=urgency(G.MANTELZORG, date(2026, 3, 1)))
    ranked = rank([early_low, late_high], vacancy(), ctx(), ScoreWeights(category=10))
    assert [r.candidate_id for r in ranked] == ["a", "b"]


def test_longer_waiting_wins_within_a_category():
    ranked = rank([candidate("a", urgency=urgency(granted_on=date(2026, 2, 1))),
                   candidate("b", urgency=urgency(granted_on=date(2026, 1, 1)))],
                  vacancy(), ctx(), ScoreWeights())
    assert [r.candidate_id for r in ranked] == ["b", "a"]


def test_equal_scores_are_ordered_by_candidate_id_whatever_the_input_order():
    twins = [candidate(cid) for cid in ("c-9", "c-10", "c-2")]
    forward = rank(twins, vacancy(), ctx(), ScoreWeights())
    backward = rank(list(reversed(twins)), vacancy(), ctx(), ScoreWeights())
    assert [r.candidate_id for r in forward] == ["c-10", "c-2", "c-9"]
    assert forward == backward
