"""docker-compose.yml is checked without a Docker engine: it parses, each service command is a
real `woonregie` command, and every WOONREGIE_* variable is a setting of that service."""

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from shared.cli import app as cli
from shared.services import SERVICES
from shared.settings import REPO_ROOT, WoonregieSettings

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
OURS = {name: spec for name, spec in COMPOSE["services"].items() if spec.get("build")}


def settings_class_for(command: list[str]) -> type[WoonregieSettings]:
    if len(command) > 1 and command[1] in SERVICES:
        return SERVICES[command[1]].settings_class
    return WoonregieSettings


def test_compose_runs_every_service_api_and_worker():
    commands = {tuple(spec["command"]) for spec in OURS.values()}
    for name, spec in SERVICES.items():
        assert ("serve", name) in commands
        assert (("worker", name) in commands) == spec.has_worker


@pytest.mark.parametrize("name", sorted(OURS))
def test_service_command_exists_in_the_cli(name):
    command = OURS[name]["command"]
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", sorted(OURS))
def test_every_variable_maps_to_a_setting(name):
    fields = settings_class_for(OURS[name]["command"]).model_fields
    for variable in OURS[name]["environment"]:
        if variable.startswith("WOONREGIE_"):
            assert variable.removeprefix("WOONREGIE_").lower() in fields, variable


def test_apis_and_infrastructure_have_healthchecks_and_ordered_start():
    for name in ("kafka", "postgres", *SERVICES):
        assert "healthcheck" in COMPOSE["services"][name], name
    for name in SERVICES:
        conditions = COMPOSE["services"][name]["depends_on"]
        assert conditions["postgres"]["condition"] == "service_healthy"
        assert conditions["kafka-topics"]["condition"] == "service_completed_successfully"


def test_one_database_per_service():
    init = (REPO_ROOT / "deploy" / "postgres" / "init.sql").read_text()
    for name in SERVICES:
        assert f"CREATE DATABASE {name};" in init
        url = COMPOSE["services"][name]["environment"]["WOONREGIE_DATABASE_URL"]
        assert url.endswith(f"/{name}")
