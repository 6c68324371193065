"""docs/INTEGRATION.md runs as written: every ```bash and ```python block, in order, against
the platform as `make run` starts it (tests/e2e/platform_process.py). Bash blocks share
their exported variables with the blocks after them, as in one terminal session."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from platform_process import start_platform
from shared.settings import REPO_ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

GUIDE = REPO_ROOT / "docs" / "INTEGRATION.md"
BLOCK = re.compile(r"^```(bash|python)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str]]:
    return BLOCK.findall(GUIDE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    running = start_platform(tmp_path_factory.mktemp("guide-platform"))
    yield running
    running.stop()


def run_block(language: str, code: str, env: dict[str, str], state_file) -> str:
    if language == "bash":
        # after the block as written: keep what it exported for the next blocks
        command = ["bash", "-euo", "pipefail", "-c", f"{code}\nenv -0 > {state_file}"]
    else:
        command = [sys.executable, "-c", code]
    result = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, f"{language} block failed:\n{code}\n---\n" \
                                   f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    if language == "bash":
        pairs = state_file.read_bytes().split(b"\0")
        env.clear()
        env.update(pair.decode().split("=", 1) for pair in pairs if b"=" in pair)
    return result.stdout


def test_the_guide_has_runnable_examples_for_both_audiences():
    found = blocks()
    assert sum(language == "bash" for language, _ in found) >= 4
    assert sum(language == "python" for language, _ in found) >= 6
    code = "\n".join(block for _, block in found)
    for needed in ("KafkaProducer", "registry.vacancy-feed.v1", "/v1/candidates",
                   "urgency-decisions", "/v1/dwellings/", "/v1/vacancies", "/v1/proposals"):
        assert needed in code, needed


def test_every_example_runs_as_written_against_the_platform(platform, tmp_path):
    env = {**os.environ,
           "REGISTRY": platform.url("registry"), "INTAKE": platform.url("intake"),
           "ALLOCATION": platform.url("allocation"), "MONITORING": platform.url("monitoring"),
           "KAFKA_BOOTSTRAP": platform.bootstrap,
           # where this platform keeps its token store (make run: ./data, the default)
           "WOONREGIE_DATA_DIR": str(platform.data_dir)}
    outputs = [run_block(language, code, env, tmp_path / "env")
               for language, code in blocks()]
    assert env["CORPORATION_TOKEN"].startswith("wr_")
    assert any("open" in output and "API-Version 1.0.0" in output for output in outputs)
    # the feed record reached the registry and was republished: both vacancies are there
    registry = platform.client("registry")
    vacancies = registry.get("/v1/vacancies", headers={
        "Authorization": f"Bearer {env['CORPORATION_TOKEN']}"}).json()["items"]
    assert {(v["bagId"], v["source"]) for v in vacancies} == {
        ("0014010011067299", "api"), ("0014010011067300", "feed")}
