"""`eligibility` collects every failing rule, so an explanation can count them all."""

from allocation_builders import OLDAMBT, candidate, context, needs, vacancy

from services.allocation.domain.rules import RULES, Exclusion, eligibility, is_eligible
from shared.contracts.vocabulary import Accessibility


def test_an_eligible_candidate_has_no_reasons():
    assert eligibility(candidate(), vacancy(), context()) == []
    assert is_eligible(candidate(), vacancy(), context())


def test_all_failing_rules_are_reported_in_rule_order():
    cand = candidate(household_size=4, excluded_municipalities=(OLDAMBT,),
                     needs=needs(accessibility=Accessibility.ROLSTOEL), urgency=None)
    reasons = eligibility(cand, vacancy(municipality=OLDAMBT, rooms=2), context())
    assert reasons == [Exclusion.NO_URGENCY, Exclusion.EXCLUDED_MUNICIPALITY,
                       Exclusion.TOO_FEW_ROOMS, Exclusion.ACCESSIBILITY]
    assert not is_eligible(cand, vacancy(municipality=OLDAMBT), context())


def test_every_rule_name_is_distinct():
    names = [rule.__name__ for rule in RULES]
    assert len(set(names)) == len(names)
    assert len({e.value for e in Exclusion}) == len(Exclusion)
