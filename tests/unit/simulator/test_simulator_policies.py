"""The policies through the Allocator: deterministic per seed, no constraint violations, the
report has every field."""

from __future__ import annotations

import pytest
from simulator_fixtures import short_world

from tools.simulator import POLICIES, World, load_scenario, policy_report
from tools.simulator import run_policy, setup
from tools.simulator.policies import quota_slots


def _summary(result):
    return ([(p.candidate_id, p.vacancy_id, p.move_in) for p in result.placements],
            dict(result.counters), result.labelled)


def test_world_is_fixed_by_the_seed():
    one, two, other = short_world(3), short_world(3), short_world(4)
    assert [f.vacancy for f in one.vacancies] == [f.vacancy for f in two.vacancies]
    assert [a.candidate for a in one.arrivals] == [a.candidate for a in two.arrivals]
    assert [f.vacancy for f in one.vacancies] != [f.vacancy for f in other.vacancies]
    pair = (one.arrivals[0].candidate.id, one.vacancies[0].vacancy.id)
    assert one.outcome(*pair) == two.outcome(*pair)


@pytest.fixture(scope="module", params=POLICIES)
def short_run(request):
    world = short_world(9, days=40)
    return run_policy(world, setup(request.param, world))


@pytest.mark.parametrize("policy", POLICIES)
def test_same_seed_same_run(policy):
    first = run_policy(short_world(5, days=20), setup(policy, short_world(5, days=20)))
    world = short_world(5, days=20)
    second = run_policy(world, setup(policy, world))
    assert _summary(first) == _summary(second)
    report_one, report_two = policy_report(first), policy_report(second)
    for report in (report_one, report_two):
        report.pop("runtimeSeconds")
    assert report_one == report_two


def test_no_constraint_violations(short_run):
    result = short_run
    assert result.placements, "the short year houses somebody"
    violations = result.violations
    assert violations["total"] == 0, violations["examples"]
    assert violations["checked"]["proposals"] >= len(result.placements)
    assert violations["checked"]["placements"] == len(result.placements)


def test_static_quota_spreads_the_target_evenly():
    world = World(load_scenario("groningen"), 2026, 2)
    slots = quota_slots(world)
    targets = {m.municipality: m.target for m in world.fair_share.municipalities}
    for code, target in targets.items():
        labelled = [f for f in world.vacancies
                    if f.vacancy.municipality == code and f.vacancy.id in slots]
        assert len(labelled) <= target
        if len(labelled) > 2:
            first_half = sum(1 for f in labelled if f.announced_on.month <= 6)
            assert abs(first_half / len(labelled) - 0.5) < 0.2


REPORT_FIELDS = {"policy", "policySettings", "scenario", "agreement", "definitions", "totals",
                 "municipalities", "byTargetGroup", "unhoused", "proposals",
                 "constraintViolations", "runtimeSeconds", "bounds", "ratios", "targets"}
ROW_FIELDS = {"municipality", "name", "target", "band", "realised", "deviation", "withinBand",
              "paceTarget", "expectedLettings", "lettings", "priorityShare", "meanWaitingDays",
              "p90WaitingDays", "candidatesFromHere", "unhousedFromHere"}
TOTAL_FIELDS = {"vacancies", "candidates", "waitingOnDayOne", "housed", "unhoused", "target",
                "realised", "deviation", "priorityShare", "meanWaitingDays", "p90WaitingDays",
                "waitingCost", "municipalitiesWithinBand", "municipalities", "maxAbsDeviation"}


def test_report_has_every_field(short_run):
    world, result = short_run.world, short_run
    report = policy_report(result)
    assert REPORT_FIELDS <= set(report)
    assert TOTAL_FIELDS <= set(report["totals"])
    assert len(report["municipalities"]) == 10
    for row in report["municipalities"]:
        assert ROW_FIELDS <= set(row)
    assert report["constraintViolations"]["total"] == 0
    assert report["totals"]["housed"] + report["totals"]["unhoused"] == len(world.arrivals)
