"""A candidate holds at most one open proposal; a vacancy is not offered twice to one candidate."""

from allocation_builders import candidate, context, vacancy

from services.allocation.domain.rules import Exclusion, not_tried_before, one_open_proposal


def test_candidate_with_a_live_proposal_is_excluded():
    ctx = context(engaged_candidates=frozenset({"cand-1"}))
    assert one_open_proposal(candidate("cand-1"), vacancy(), ctx) == Exclusion.HAS_OPEN_PROPOSAL
    assert one_open_proposal(candidate("cand-2"), vacancy(), ctx) is None


def test_candidate_already_proposed_for_this_vacancy_is_excluded():
    ctx = context(tried_candidates=frozenset({"cand-1"}))
    assert not_tried_before(candidate("cand-1"), vacancy(), ctx) == Exclusion.ALREADY_PROPOSED
    assert not_tried_before(candidate("cand-2"), vacancy(), ctx) is None
