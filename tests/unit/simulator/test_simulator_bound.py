"""The hindsight optimiser: the known optimum of a hand-made instance, bands, and validity as
a lower bound for the pace-keeping adaptive policy."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from simulator_fixtures import PEKELA, short_world, tiny_world

from services.allocation.domain import INCOME_LIMITS_2025, Pacing
from tools.simulator import run_policy, setup, solve_bound
from tools.simulator.bound import _pace, band
from tools.simulator.report import waiting_cost


def test_band_rounds_outward_to_whole_lettings():
    assert band(296, 0.02) == (290, 302)
    assert band(14, 0.02) == (13, 15)
    assert band(2, 0.0) == (2, 2)


def test_tiny_instance_has_the_worked_out_optimum():
    result = solve_bound(tiny_world(), INCOME_LIMITS_2025)
    assert result.status == "optimal"
    assert result.waiting_cost == 35
    assert result.lp_bound == 35
    assert {(p.candidate_id, p.vacancy_id) for p in result.assignment} == {("c1", "v1"),
                                                                           ("c2", "v2")}
    assert result.shortfall == {PEKELA: 0}
    assert result.violations == 0


def test_tiny_instance_without_the_band_houses_everyone():
    world = tiny_world()
    world._target_override = {PEKELA: 3.0}
    result = solve_bound(world, INCOME_LIMITS_2025)
    assert result.waiting_cost == 2 + 7 + 7
    assert len(result.assignment) == 3


def test_unreachable_band_is_reported_as_shortfall():
    world = tiny_world()
    world._target_override = {PEKELA: 4.0}  # only three dwellings exist
    result = solve_bound(world, INCOME_LIMITS_2025)
    assert result.status == "optimal"
    assert result.shortfall == {PEKELA: 1}
    assert result.waiting_cost == 16
    assert any("out of reach" in note for note in result.notes)


def test_bounds_are_lower_bounds_and_even_adaptive_keeps_the_pace():
    world = short_world(seed=11, days=40)
    even = setup("adaptive", world, Pacing.EVEN)
    # decided on announcement, as the pace rows count lettings by their announcement
    even = replace(even, allocation=replace(even.allocation, decision_lead_days=None))
    adaptive = run_policy(world, even)
    year_end = solve_bound(world, INCOME_LIMITS_2025)
    paced = solve_bound(world, INCOME_LIMITS_2025, paced=True)
    assert year_end.status == paced.status == "optimal"
    assert year_end.violations == paced.violations == 0
    assert year_end.waiting_cost <= paced.waiting_cost + 1e-6
    # every pace row holds for what adaptive did, so the paced bound is a bound for it
    pace = _pace(world)
    placed = Counter()
    for placement in adaptive.placements:
        j = world.vacancy_index[placement.vacancy_id]
        placed[(int(world.vacancy_municipality[j]), int(pace.first_checkpoint[j]))] += 1
    for m in range(len(world.codes)):
        running = 0
        for k in range(pace.checkpoints):
            running += placed[(m, k)]
            assert running <= pace.caps[m, k]
    if not any(paced.shortfall.values()):
        assert paced.waiting_cost <= waiting_cost(world, adaptive)["total"] + 1e-6


def test_front_loaded_adaptive_waits_less_than_even_and_never_beats_the_year_end_bound():
    world = short_world(seed=11, days=40)
    costs = {pacing: waiting_cost(world, run_policy(world, setup("adaptive", world, pacing)))
             for pacing in Pacing}
    year_end = solve_bound(world, INCOME_LIMITS_2025)
    assert year_end.status == "optimal"
    front, even = costs[Pacing.FRONT_LOADED]["total"], costs[Pacing.EVEN]["total"]
    assert year_end.waiting_cost <= front + 1e-6
    assert front < even
