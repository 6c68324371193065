"""Each service's migrations end in one head: with two, `upgrade head` refuses to start."""

from __future__ import annotations

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from shared.local.services import SERVICES


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_migrations_have_a_single_head(name):
    config = Config()
    config.set_main_option("script_location", str(SERVICES[name].migrations))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) <= 1, f"{name}: {heads}: add a merge revision (alembic merge)"
