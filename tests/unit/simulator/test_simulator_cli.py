"""`woonregie simulate` through typer's CliRunner: --json prints the report, files are
written, and the same seed prints the same figures."""

from __future__ import annotations

import json

from test_simulator_policies import REPORT_FIELDS, ROW_FIELDS
from typer.testing import CliRunner

from shared.local.cli import _add_service_commands, app


def _app():
    if not any(c.name == "simulate" for c in app.registered_commands):
        _add_service_commands()
    return app


def _simulate(tmp_path, *extra, days: int = 30):
    args = ["simulate", "--scenario", "groningen", "--year", "2026", "--seed", "3",
            "--days", str(days), "--json", "--out", str(tmp_path), *extra]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_simulate_json_report(tmp_path):
    report = _simulate(tmp_path / "a", "--policy", "adaptive")
    assert REPORT_FIELDS <= set(report)
    assert ROW_FIELDS <= set(report["municipalities"][0])
    assert report["constraintViolations"]["total"] == 0
    assert set(report["bounds"]) == {"year-end", "paced"}
    assert report["bounds"]["year-end"]["status"] == "optimal"
    assert report["ratios"]["waitingCostToYearEndBound"] > 0
    assert (tmp_path / "a" / "adaptive.json").exists()
    for chart in report["charts"]:
        assert open(chart, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


def test_simulate_all_policies_without_bounds(tmp_path):
    comparison = _simulate(tmp_path, "--policy", "all", "--no-bound", "--no-charts", days=10)
    assert set(comparison["policies"]) == {"adaptive", "static-quota", "fifo"}
    assert [row["policy"] for row in comparison["summary"]] == ["adaptive", "static-quota",
                                                                 "fifo"]
    assert all(row["constraintViolations"] == 0 for row in comparison["summary"])
    assert (tmp_path / "comparison.json").exists()
    assert comparison["charts"] == []


def test_same_seed_same_figures(tmp_path):
    one = _simulate(tmp_path / "one", "--policy", "static-quota", "--no-bound", "--no-charts",
                    days=20)
    two = _simulate(tmp_path / "two", "--policy", "static-quota", "--no-bound", "--no-charts",
                    days=20)
    for report in (one, two):
        report.pop("runtimeSeconds")
        report.pop("charts")
    assert one == two


def test_unknown_scenario_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(_app(), ["simulate", "--scenario", "utrecht", "--out",
                                         str(tmp_path), "--no-bound"])
    assert result.exit_code != 0
    assert "no scenario" in result.output


def test_pacing_option_overrides_the_scenario(tmp_path):
    reports = {pacing: _simulate(tmp_path / pacing, "--policy", "adaptive", "--pacing", pacing,
                                 "--no-bound", "--no-charts", days=60)
               for pacing in ("even", "front-loaded")}
    for pacing, report in reports.items():
        assert report["policySettings"]["pacing"] == pacing
        assert report["policySettings"]["decisionLeadDays"] == 17  # the bundled scenario's
        assert report["constraintViolations"]["total"] == 0
    even, front = reports["even"]["totals"], reports["front-loaded"]["totals"]
    assert front["housed"] > even["housed"]  # sixty days in, front-loading has housed more
    assert front["waitingCost"]["total"] < even["waitingCost"]["total"]


def test_unknown_pacing_is_refused(tmp_path):
    result = CliRunner().invoke(_app(), ["simulate", "--pacing", "asap", "--days", "5",
                                         "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "asap" in result.output


def test_a_scenario_with_a_bad_policy_setting_is_refused_with_its_field(tmp_path):
    from tools.simulator.scenario import SCENARIO_DIR

    raw = json.loads((SCENARIO_DIR / "groningen.json").read_text())
    raw["policies"]["adaptive"]["decisionLeadDays"] = -3
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw))
    result = CliRunner().invoke(_app(), ["simulate", "--scenario", str(bad), "--days", "5",
                                         "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "decisionLeadDays" in result.output
    assert not (tmp_path / "out").exists()


def test_a_scenario_with_a_free_text_decline_reason_is_refused(tmp_path):
    from tools.simulator.scenario import SCENARIO_DIR

    raw = json.loads((SCENARIO_DIR / "groningen.json").read_text())
    raw["behaviour"]["declineReasons"]["te ver van werk"] = 0.1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw))
    result = CliRunner().invoke(_app(), ["simulate", "--scenario", str(bad), "--days", "5",
                                         "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "declineReasons" in result.output and "te ver van werk" in result.output
