"""docker-compose.yml is checked without a Docker engine: it parses, each service command is a
real `woonregie` command, and every WOONREGIE_* variable is a setting of that service."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from shared.local.broker import DEFAULT_KAFKA_VERSION
from shared.local.cli import app as cli
from shared.local.services import SERVICES
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
        if variable == "WOONREGIE_SECRETS_DIR":  # where settings read secret files from
            continue
        if variable.startswith("WOONREGIE_"):
            assert variable.removeprefix("WOONREGIE_").lower() in fields, variable


@pytest.mark.parametrize("name", sorted(OURS))
def test_every_secret_file_maps_to_a_setting(name):
    """A secret mounted as /run/secrets/woonregie_<field> is read into that setting."""
    fields = settings_class_for(OURS[name]["command"]).model_fields
    for secret in OURS[name].get("secrets", []):
        target = secret["target"] if isinstance(secret, dict) else secret
        if target.startswith("woonregie_"):
            assert target.removeprefix("woonregie_") in fields, target


def test_apis_and_infrastructure_have_healthchecks_and_ordered_start():
    for name in ("kafka", "postgres", *SERVICES):
        assert "healthcheck" in COMPOSE["services"][name], name
    for name in SERVICES:
        conditions = COMPOSE["services"][name]["depends_on"]
        assert conditions["postgres"]["condition"] == "service_healthy"
        assert conditions["kafka-topics"]["condition"] == "service_completed_successfully"


def test_one_database_per_service(secrets_folder):
    init = (REPO_ROOT / "deploy" / "postgres" / "init.sql").read_text()
    for name in SERVICES:
        assert f"CREATE DATABASE {name};" in init
        sources = {secret["source"] for secret in COMPOSE["services"][name]["secrets"]
                   if secret["target"] == "woonregie_database_url"}
        assert sources == {f"{name}_database_url"}
        url = (secrets_folder / f"{name}_database_url").read_text().strip()
        assert url.endswith(f"/{name}")


# --- production compose: pinned, checked, secrets from files (issue 14) ----------------------

SERVICES_ALL = COMPOSE["services"]
# one-shot jobs others wait for (service_completed_successfully): no healthcheck
JOBS = {dependency for spec in SERVICES_ALL.values()
        for dependency, condition in (spec.get("depends_on") or {}).items()
        if condition.get("condition") == "service_completed_successfully"}
# long-running parts without a healthcheck, and why
NO_HEALTHCHECK = {
    "otel-collector": "distroless image: no shell or HTTP client to probe with",
    "jaeger": "distroless image: no shell or HTTP client to probe with",
    "allocation-worker": "no port; compose restarts it when it exits",
}
# a variable whose value would be a secret (a URL of public keys, *_JWKS, is none)
SECRET_WORDS = re.compile(r"(PASSWORD|SECRET|TOKEN|KEY)$", re.I)


@pytest.fixture(scope="module")
def secrets_folder(tmp_path_factory) -> Path:
    """The secrets deploy/make-secrets.sh writes (openssl), as an operator makes them."""
    folder = tmp_path_factory.mktemp("compose") / "secrets"
    result = subprocess.run(["sh", str(REPO_ROOT / "deploy" / "make-secrets.sh"), str(folder)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return folder


def test_compose_file_follows_the_compose_specification():
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
         str(REPO_ROOT / "docker-compose.yml")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_image_is_pinned_to_a_version():
    for name, spec in SERVICES_ALL.items():
        if spec.get("build"):
            continue  # our own image, built from this repository
        image, _, tag = spec["image"].rpartition(":")
        assert image and re.fullmatch(r"v?\d+\.\d+(\.\d+)?", tag), (name, spec["image"])


def test_the_kafka_images_are_the_pinned_broker_version():
    kafka_images = {spec["image"] for spec in SERVICES_ALL.values()
                    if spec.get("image", "").startswith("apache/kafka:")}
    assert kafka_images == {f"apache/kafka:{DEFAULT_KAFKA_VERSION}"}
    pom = (REPO_ROOT / "deploy" / "kafka" / "pom.xml").read_text()
    assert f"<kafka.version>{DEFAULT_KAFKA_VERSION}</kafka.version>" in pom


def test_every_long_running_part_has_a_healthcheck():
    for name, spec in SERVICES_ALL.items():
        if name in JOBS or name in NO_HEALTHCHECK:
            continue
        assert "healthcheck" in spec, name
        assert spec["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name


def test_no_secret_in_the_compose_file():
    text = (REPO_ROOT / "docker-compose.yml").read_text()
    for name, spec in SERVICES_ALL.items():
        for variable, value in (spec.get("environment") or {}).items():
            # a JWKS is the portal's public key set: no secret, despite "TOKEN" in its name
            if SECRET_WORDS.search(variable) and not variable.endswith("_JWKS"):
                assert variable.endswith(("_FILE", "_DIR")), (name, variable)  # a path
            assert not re.search(r"://[^/@\s]*:[^/@\s]*@", str(value)), (name, variable)
    interpolated = re.findall(r"\$\{([A-Z_]+)", text)
    assert not [v for v in interpolated if SECRET_WORDS.search(v)], interpolated
    for secret in COMPOSE["secrets"].values():
        assert set(secret) == {"file"}, secret  # from a file the operator keeps


def test_every_secret_file_is_written_by_make_secrets(secrets_folder):
    for name, secret in COMPOSE["secrets"].items():
        written = secrets_folder / Path(secret["file"]).name
        assert written.is_file() and written.stat().st_size > 0, name
    # the services read them: the broker's SCRAM user, the database urls, the keys
    from cryptography.fernet import Fernet

    Fernet((secrets_folder / "encryption_key").read_text().strip())
    for name in SERVICES:
        assert (secrets_folder / f"{name}_database_url").read_text().startswith(
            "postgresql+psycopg://woonregie:")


def test_services_use_sasl_ssl_with_scram_and_a_ca_from_a_secret():
    env = OURS["registry"]["environment"]
    assert env["WOONREGIE_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert env["WOONREGIE_KAFKA_SASL_MECHANISM"].startswith("SCRAM-")
    assert env["WOONREGIE_KAFKA_SSL_CAFILE"].startswith("/run/secrets/")
    kafka = SERVICES_ALL["kafka"]["environment"]
    assert "CLIENT:SASL_SSL" in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"]
    assert kafka["KAFKA_SASL_ENABLED_MECHANISMS"] == env["WOONREGIE_KAFKA_SASL_MECHANISM"]


def test_a_cluster_profile_has_three_brokers_rf_3_and_min_isr_2():
    cluster_env = dict(line.split("=", 1) for line in (
        REPO_ROOT / "deploy" / "kafka" / "cluster.env").read_text().splitlines()
        if line and not line.startswith("#"))
    assert cluster_env["COMPOSE_PROFILES"] == "cluster"
    assert (cluster_env["KAFKA_REPLICATION_FACTOR"], cluster_env["KAFKA_MIN_ISR"]) == ("3", "2")
    brokers = [n for n, s in SERVICES_ALL.items() if s.get("image", "").startswith("apache/kafka")
               and n not in JOBS]
    assert len(brokers) == 3
    assert [SERVICES_ALL[n].get("profiles") for n in brokers].count(["cluster"]) == 2
    assert len(cluster_env["KAFKA_QUORUM_VOTERS"].split(",")) == 3
    assert len(cluster_env["KAFKA_BOOTSTRAP"].split(",")) == 3
    topics = SERVICES_ALL["kafka-topics"]["command"]
    assert topics[:2] == ["topics", "--replication-factor"]
    assert "KAFKA_REPLICATION_FACTOR" in topics[2]
    result = CliRunner().invoke(cli, ["topics", "--replication-factor", "0"])
    assert result.exit_code != 0  # the option exists and is checked


def test_tls_proxy_is_the_only_way_in_to_the_http_services():
    proxy = SERVICES_ALL["proxy"]
    assert proxy["image"].startswith("caddy:")
    for name in SERVICES:
        assert "ports" not in SERVICES_ALL[name], name
    caddyfile = (REPO_ROOT / "deploy" / "caddy" / "Caddyfile").read_text()
    assert "tls /run/secrets/tls_certificate.pem /run/secrets/tls_key.pem" in caddyfile
    for name in SERVICES:
        port = OURS[name]["environment"]["WOONREGIE_PORT"]
        assert f"reverse_proxy {name}:{port}" in caddyfile
        assert f"{port}:{port}" in proxy["ports"]


def test_traces_go_to_jaeger_and_prometheus_feeds_a_provisioned_dashboard():
    collector = yaml.safe_load((REPO_ROOT / "deploy" / "otel" / "collector.yaml").read_text())
    exporters = collector["service"]["pipelines"]["traces"]["exporters"]
    assert [collector["exporters"][e]["endpoint"] for e in exporters] == ["jaeger:4317"]
    scrape = yaml.safe_load((REPO_ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    targets = [t for job in scrape["scrape_configs"] for c in job["static_configs"]
               for t in c["targets"]]
    assert f"monitoring:{OURS['monitoring']['environment']['WOONREGIE_PORT']}" in targets
    grafana = REPO_ROOT / "deploy" / "grafana"
    source = yaml.safe_load((grafana / "provisioning" / "datasources" / "prometheus.yml")
                            .read_text())["datasources"][0]
    assert source["url"] == "http://prometheus:9090"
    dashboard = json.loads((grafana / "dashboards" / "woonregie.json").read_text())
    metrics = (REPO_ROOT / "services" / "monitoring" / "adapters" / "metrics.py").read_text()
    exposed = set(re.findall(r'(?:Gauge|Counter)\("(\w+)"', metrics))
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == source["uid"]
        for target in panel["targets"]:
            names = re.findall(r"(woonregie_\w+?)(?:_total)?\b", target["expr"])
            assert names and set(names) <= exposed, (target["expr"], exposed)


def test_settings_read_secret_files_from_the_secrets_dir(secrets_folder):
    """What the services do in compose: WOONREGIE_SECRETS_DIR=/run/secrets, one file per
    setting, named woonregie_<field> (here the intake's database url and keys)."""
    for source, target in (("intake_database_url", "woonregie_database_url"),
                           ("pseudonym_key", "woonregie_pseudonym_key")):
        (secrets_folder.parent / "run").mkdir(exist_ok=True)
        (secrets_folder.parent / "run" / target).write_text(
            (secrets_folder / source).read_text())
    script = ("from shared.settings import IntakeSettings as S; s = S(); "
              "print(s.db_url()); print(s.pseudonym_key.get_secret_value())")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, text=True,
                            capture_output=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin",
                                 "WOONREGIE_SECRETS_DIR": str(secrets_folder.parent / "run")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        (secrets_folder / "intake_database_url").read_text().strip(),
        (secrets_folder / "pseudonym_key").read_text().strip()]


# --- the corporations' feed: external listener and prefixed ACLs (issue 14) -------------------


def test_the_corporations_feed_has_an_external_sasl_ssl_listener_and_no_open_access():
    kafka = SERVICES_ALL["kafka"]["environment"]
    assert "EXTERNAL:SASL_SSL" in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"]
    assert "EXTERNAL://" in kafka["KAFKA_ADVERTISED_LISTENERS"]
    assert kafka["KAFKA_LISTENER_NAME_EXTERNAL_SSL_KEYSTORE_LOCATION"].startswith("/run/secrets/")
    assert kafka["KAFKA_AUTHORIZER_CLASS_NAME"].endswith("StandardAuthorizer")
    assert kafka["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    service_user = OURS["registry"]["environment"]["WOONREGIE_KAFKA_SASL_USERNAME"]
    assert f"User:{service_user}" in kafka["KAFKA_SUPER_USERS"].split(";")
    assert "9095:9095" in SERVICES_ALL["kafka"]["ports"]
    # the feed topics' ACLs and topics exist before the services start
    topics_job = SERVICES_ALL["kafka-topics"]["depends_on"]
    assert topics_job["kafka-acls"]["condition"] == "service_completed_successfully"


def test_the_acl_job_gives_each_corporation_only_its_own_feed_prefix(secrets_folder, tmp_path):
    """deploy/kafka/feed-acls.sh, run with stand-ins for Kafka's tools that record their
    arguments: per corporation of the secret a SCRAM user, a PREFIXED write ACL on exactly
    shared.contracts.topics' prefix, and the topic shared.contracts.topics names."""
    from shared.contracts import topics
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    for tool in ("kafka-configs.sh", "kafka-acls.sh", "kafka-topics.sh"):
        stub = bin_dir / tool
        stub.write_text(f'#!/bin/sh\necho "{tool} $*" >> {calls}\n')
        stub.chmod(0o755)
    job = SERVICES_ALL["kafka-acls"]
    script = next(volume.split(":")[0] for volume in job["volumes"]
                  if volume.endswith(f"{job['entrypoint'][1]}:ro"))
    result = subprocess.run(
        ["sh", str(REPO_ROOT / script)], capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "KAFKA_BIN": str(bin_dir),
             "KAFKA_FEED_USERS_FILE": str(secrets_folder / "kafka_feed_users")})
    assert result.returncode == 0, result.stderr
    lines = calls.read_text().splitlines()
    corporations = [line.split()[0] for line in
                    (secrets_folder / "kafka_feed_users").read_text().splitlines()]
    assert corporations and len(lines) == 3 * len(corporations)
    for corporation in corporations:
        acl = next(line for line in lines if line.startswith("kafka-acls.sh")
                   and f"User:feed-{corporation} " in line)
        assert f"--topic {topics.corporation_feed_prefix(corporation)} " in acl
        assert "--resource-pattern-type prefixed" in acl and "--operation Write" in acl
        assert any(line.startswith("kafka-topics.sh") and
                   f"--topic {topics.corporation_feed(corporation).name} " in line
                   for line in lines)
        assert any(line.startswith("kafka-configs.sh") and f"feed-{corporation} " in line
                   and "SCRAM-SHA-512=" in line for line in lines)
