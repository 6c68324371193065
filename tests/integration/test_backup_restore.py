"""docs/OPERATIONS.md's backup and restore, executed as written: intake on PostgreSQL is
dumped with pg_dump, restored into an empty database with pg_restore, and a new intake on the
restored database with the same keys answers exactly as the original did."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from cryptography.fernet import Fernet

from platform_fixtures import POSTGRES_URL, fresh_postgres_database
from reliability.reliability_helpers import candidate_body
from shared.settings import REPO_ROOT

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def documented(step: str) -> str:
    """The bash block under `<!-- restore-test:<step> -->` in docs/OPERATIONS.md."""
    text = (REPO_ROOT / "docs" / "OPERATIONS.md").read_text()
    match = re.search(rf"<!-- restore-test:{step} -->\s*```bash\n(.*?)```", text, re.S)
    assert match, step
    return match.group(1)


def run_documented(step: str, **variables: str) -> None:
    result = subprocess.run(["bash", "-euc", documented(step)], capture_output=True, text=True,
                            env={**os.environ, **variables}, timeout=120)
    assert result.returncode == 0, result.stderr


def libpq_url(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://")


def answers(intake, headers, ids: list[str]) -> list:
    return [intake.get("/v1/candidates", params={"pageSize": 100}, headers=headers).json(),
            *(intake.get(f"/v1/candidates/{i}", headers=headers).json() for i in ids)]


@pytest.mark.skipif(not POSTGRES_URL, reason="WOONREGIE_TEST_POSTGRES_URL is not set "
                                             "(.ci/run sets it)")
def test_a_restored_intake_database_serves_the_same_answers(service_app, tokens, tmp_path):
    keys = {"pseudonym_key": "restore-test-pseudonym-key-0123456789",
            "encryption_key": Fernet.generate_key().decode()}
    provider = tokens.issue("Lentis", "care-provider")
    original_url = fresh_postgres_database()
    original = service_app("intake", database_url=original_url, **keys)
    bodies = [candidate_body() for _ in range(3)]
    ids = []
    for body in bodies:
        response = original.post("/v1/candidates", json=body, headers=provider)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    before = answers(original, provider, ids)
    assert len(before[0]["items"]) == 3

    dump = str(tmp_path / "intake.dump")
    run_documented("backup", DATABASE_URL=libpq_url(original_url), DUMP=dump)
    restored_url = fresh_postgres_database()  # empty
    run_documented("restore", RESTORE_URL=libpq_url(restored_url), DUMP=dump)

    restored = service_app("intake", database_url=restored_url, **keys)
    assert answers(restored, provider, ids) == before
    # the pseudonym key came along: the same person is recognised, not registered twice
    again = restored.post("/v1/candidates", json=bodies[0], headers=provider)
    assert again.status_code == 409, again.text
