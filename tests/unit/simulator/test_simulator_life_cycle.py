"""Issue 12 in the simulator: the scenario's agreement gives each category its validity and
lapse rules; expired and lapsed urgencies end the candidacy as they do in allocation."""

from __future__ import annotations

from datetime import timedelta

from tools.simulator import World, load_scenario, run_policy, setup


def test_validity_comes_from_the_agreement_and_urgencies_lapse_and_expire():
    world = World(load_scenario("groningen-verordening"), 2026, 3, 120)
    for arrival in world.arrivals[:50]:
        urgency = arrival.candidate.urgency
        assert urgency.valid_until - urgency.granted_on == timedelta(days=89)
    result = run_policy(world, setup("adaptive", world))
    lapsed = sum(n for key, n in result.counters.items() if key.startswith("lapsed:"))
    assert lapsed > 0
    assert result.violations["total"] == 0, result.violations["examples"]


def test_without_lapse_rules_nobody_lapses():
    world = World(load_scenario("groningen"), 2026, 3, 60)
    result = run_policy(world, setup("adaptive", world))
    assert not [key for key in result.counters if key.startswith("lapsed:")]
