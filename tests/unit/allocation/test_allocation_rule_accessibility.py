"""Accessibility: the dwelling's class meets the need (geen < nultreden < rollator < rolstoel)."""

import pytest
from allocation_builders import candidate, context, needs, vacancy

from services.allocation.domain.rules import Exclusion, accessible_enough
from shared.contracts.vocabulary import Accessibility as A

ORDER = [A.GEEN, A.NULTREDEN, A.ROLLATOR, A.ROLSTOEL]


@pytest.mark.parametrize("need", ORDER)
@pytest.mark.parametrize("dwelling", ORDER)
def test_dwelling_class_must_be_at_least_the_need(need, dwelling):
    result = accessible_enough(candidate(needs=needs(accessibility=need)),
                               vacancy(accessibility=dwelling), context())
    fits = ORDER.index(dwelling) >= ORDER.index(need)
    assert result == (None if fits else Exclusion.ACCESSIBILITY)


def test_wheelchair_user_is_not_proposed_a_rollator_dwelling():
    cand = candidate(needs=needs(accessibility=A.ROLSTOEL))
    assert accessible_enough(cand, vacancy(accessibility=A.ROLLATOR), context()) == (
        Exclusion.ACCESSIBILITY)
