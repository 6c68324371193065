"""Session fixtures shared by all tests. Keep this file short: add fixtures in their own files.

`kafka_bootstrap`: the address of a real Kafka broker with every registry topic created.
Set KAFKA_BOOTSTRAP to use a running broker; otherwise one LocalBroker is started on free
ports in a temporary folder (jars from the shared cache) and stopped by PID afterwards.
"""

from __future__ import annotations

import os

import pytest

from shared.local.broker import LocalBroker
from shared.messaging.kafka_admin import ensure_topics


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory):
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP")
    if bootstrap:
        ensure_topics(bootstrap)
        yield bootstrap
        return
    broker = LocalBroker(tmp_path_factory.mktemp("kafka"))
    broker.start()
    try:
        ensure_topics(broker.bootstrap)
        yield broker.bootstrap
    finally:
        broker.stop()


from platform_fixtures import *  # noqa: E402,F401,F403  (service_app, tokens, database_url)
