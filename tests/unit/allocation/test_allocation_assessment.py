"""Issue 12: "why not this candidate for this vacancy?" answers as the proposal's explanation
did: the proposed and the other ranked candidates with their recorded rank and score, the
excluded with the rule the explanation counted, an unlabelled vacancy with its reason."""

from datetime import date

from allocation_builders import agreement, allocator, candidate, target, urgency
from allocation_builders import vacancy as vacancy_

from services.allocation.domain import CandidateProposed
from shared.contracts.vocabulary import IncomeClass

DAEB = IncomeClass.DAEB

DAY = date(2026, 3, 2)


def world():
    alloc = allocator(
        candidate("c-1", urgency=urgency(granted_on=date(2025, 12, 1)), income_class=DAEB),
        candidate("c-2", urgency=urgency(granted_on=date(2026, 1, 10)), income_class=DAEB),
        # passend income: the rent of 800 lies above the cap
        candidate("c-3", income_class=IncomeClass.PASSEND),
        candidate("c-4", urgency=None, income_class=DAEB))
    events = alloc.announce_vacancy(vacancy_(monthly_rent=800.0), DAY)
    proposed = next(e for e in events if isinstance(e, CandidateProposed))
    return alloc, proposed


def test_the_proposed_and_ranked_candidates_match_the_explanation():
    alloc, proposed = world()
    explanation = proposed.explanation
    for rank, ranked in enumerate(explanation.ranked, start=1):
        answer = alloc.assess_candidate("vac-1", ranked.candidate_id, DAY)
        assert answer.eligible and answer.failed == []
        assert (answer.rank, answer.score, answer.components) == (
            rank, ranked.score, ranked.components)
        assert answer.proposal_id == proposed.proposal_id
    assert alloc.assess_candidate("vac-1", "c-1", DAY).rank == 1
    assert proposed.candidate_id == "c-1"


def test_an_excluded_candidate_names_the_rule_the_explanation_counted():
    alloc, proposed = world()
    for candidate_id in ("c-3", "c-4"):
        answer = alloc.assess_candidate("vac-1", candidate_id, DAY)
        assert not answer.eligible and answer.rank is None and answer.score is None
        assert set(answer.failed) <= set(proposed.explanation.excluded)
    rent = next(c for c in alloc.assess_candidate("vac-1", "c-3", DAY).checks
                if c.rule == "rent-above-cap")
    assert not rent.passed and rent.compared["monthlyRent"] == 800.0
    assert rent.compared["rentCap"] < 800.0
    assert "no-urgency" in alloc.assess_candidate("vac-1", "c-4", DAY).failed


def test_an_unlabelled_vacancy_answers_with_the_controllers_reason_and_figures():
    alloc = allocator(candidate("c-1"), agreement_=agreement((target("GM0014", 0, 100),)))
    [labelled] = alloc.announce_vacancy(vacancy_(), DAY)
    answer = alloc.assess_candidate("vac-1", "c-1", DAY)
    assert answer.labelled is False and answer.label_reason == labelled.reason
    assert answer.fair_share.target == 0 and answer.proposal_id is None
