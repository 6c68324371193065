"""Size: a living room plus one bedroom per person or couple; an assessed need raises it."""

import pytest
from allocation_builders import candidate, context, needs, vacancy

from services.allocation.domain.rules import Exclusion, enough_rooms, minimal_rooms


@pytest.mark.parametrize("household, rooms", [(1, 2), (2, 2), (3, 3), (4, 4), (6, 6)])
def test_minimal_rooms_by_household(household, rooms):
    assert minimal_rooms(household) == rooms


def test_min_rooms_need_raises_but_never_lowers_the_minimum():
    assert minimal_rooms(1, min_rooms=3) == 3
    assert minimal_rooms(4, min_rooms=1) == 4


def test_a_family_does_not_fit_a_small_dwelling():
    family = candidate(household_size=4)
    assert enough_rooms(family, vacancy(rooms=3), context()) == Exclusion.TOO_FEW_ROOMS
    assert enough_rooms(family, vacancy(rooms=4), context()) is None


def test_a_studio_does_not_give_a_single_person_a_bedroom():
    assert enough_rooms(candidate(household_size=1), vacancy(rooms=1), context()) == (
        Exclusion.TOO_FEW_ROOMS)


def test_assessed_need_for_an_extra_room_is_respected():
    cand = candidate(household_size=1, needs=needs(min_rooms=3))
    assert enough_rooms(cand, vacancy(rooms=2), context()) == Exclusion.TOO_FEW_ROOMS
    assert enough_rooms(cand, vacancy(rooms=3), context()) is None
