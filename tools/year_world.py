"""The year demo's world: the simulator's world of the whole year, cut to a horizon.

The simulator draws a world for its horizon, so a shorter horizon is another world (other
dwellings under the same BAG ids). The demo always draws the whole year's world and drives
its first days, so a run tomorrow, or a shortened run, sends the same dwellings and people;
the simulator's report for a horizon is made on this same cut world."""

from __future__ import annotations

from tools.simulator import load_scenario
from tools.simulator.world import World

SCENARIO = "groningen"


def whole_year(year: int, seed: int, scenario: str = SCENARIO) -> World:
    return World(load_scenario(scenario), year, seed)


def first_days(whole: World, days: int) -> World:
    """The whole year's world with only what happens in its first `days` days."""
    if days >= whole.days:
        return whole
    end = whole.start.toordinal() + days
    return World.hand_made(
        whole.scenario, whole.year, whole.seed, days,
        [f for f in whole.vacancies if f.announced_on.toordinal() < end],
        [a for a in whole.arrivals if a.granted_on.toordinal() < end])
