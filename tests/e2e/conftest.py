"""pytest-docker looks for the compose file here; it is the repository's own."""

import pytest

from shared.settings import REPO_ROOT


@pytest.fixture(scope="session")
def docker_compose_file():
    return str(REPO_ROOT / "docker-compose.yml")
