"""Topic creation and broker readiness with kafka-python's KafkaAdminClient.

`security` keyword arguments are kafka-python's (`security_protocol`, `sasl_mechanism`,
`sasl_plain_username`, `sasl_plain_password`, ...), as `WoonregieSettings.kafka_security()`
and `LocalBroker.client_security()` return them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ConfigResource,
    ConfigResourceType,
    KafkaAdminClient,
    ResourcePattern,
    ResourceType,
)
from kafka.errors import KafkaError, TopicAlreadyExistsError

from shared.contracts.topics import ALL_TOPICS, Topic, corporation_feed_prefix


def admin_client(bootstrap: str, **security) -> KafkaAdminClient:
    security.setdefault("client_id", "woonregie-admin")
    return KafkaAdminClient(bootstrap_servers=bootstrap, **security)


def wait_for_broker(bootstrap: str, timeout: float = 60.0, **security) -> dict:
    """Block until the broker answers a metadata request listing at least one broker.

    Returns `describe_cluster()`; raises TimeoutError with the last error otherwise.
    """
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        remaining_ms = int(max(0.5, deadline - time.monotonic()) * 1000)
        try:
            with admin_client(
                bootstrap, bootstrap_timeout_ms=min(remaining_ms, 5000),
                request_timeout_ms=min(remaining_ms, 5000), **security,
            ) as admin:
                cluster = admin.describe_cluster()
                if cluster.get("brokers"):
                    return cluster
                last = RuntimeError(f"no brokers in metadata: {cluster}")
        except (KafkaError, OSError) as exc:
            last = exc
        time.sleep(0.2)
    raise TimeoutError(f"Kafka at {bootstrap} not ready after {timeout:.0f}s: {last!r}")


def ensure_topics(
    bootstrap: str,
    topics: Iterable[Topic] = ALL_TOPICS,
    *,
    replication_factor: int = 1,
    timeout: float = 30.0,
    **security,
) -> dict[str, bool]:
    """Create every topic that does not exist yet, with its partitions and `Topic.config()`.

    Idempotent: existing topics are left alone (their settings are not altered). Returns
    {topic name: True if created now, False if it already existed}. Waits until every topic
    has a leader for each partition.
    """
    topics = list(topics)
    with admin_client(bootstrap, **security) as admin:
        existing = set(admin.list_topics())
        missing = [t for t in topics if t.name not in existing]
        if missing:
            request = {
                t.name: {
                    "num_partitions": t.partitions,
                    "replication_factor": replication_factor,
                    "configs": t.config(),
                }
                for t in missing
            }
            result = admin.create_topics(
                request, timeout_ms=int(timeout * 1000), raise_errors=False
            )
            for entry in result["topics"]:
                error = entry.get("error_code", 0)
                if error and error != TopicAlreadyExistsError.errno:
                    message = entry.get("error_message") or ""
                    raise KafkaError(f"creating topic {entry['name']} failed: {error} {message}")
        admin.wait_for_topics([t.name for t in topics], timeout_ms=int(timeout * 1000))
    created = {t.name for t in missing}
    return {t.name: t.name in created for t in topics}


def topic_configs(bootstrap: str, names: Iterable[str], **security) -> dict[str, dict[str, str]]:
    """{topic: {config name: value}} for every config of each topic (defaults included)."""
    names = list(names)
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    with admin_client(bootstrap, **security) as admin:
        described = admin.describe_configs(resources, config_filter="all")
    by_topic = described.get("topic", {})
    return {
        name: {key: entry.get("value") for key, entry in by_topic.get(name, {}).items()}
        for name in names
    }


def corporation_feed_acls(corporation: str, user: str) -> list[ACL]:
    """What a corporation's Kafka user may do: write (and see) the topics that start with its
    feed prefix, `registry.feed.<corporation>.`, and nothing else."""
    pattern = ResourcePattern(ResourceType.TOPIC, corporation_feed_prefix(corporation),
                              ACLResourcePatternType.PREFIXED)
    return [ACL(f"User:{user}", "*", operation, ACLPermissionType.ALLOW, pattern)
            for operation in (ACLOperation.WRITE, ACLOperation.DESCRIBE)]


def grant_corporation_feed(bootstrap: str, corporation: str, user: str, *,
                           timeout: float = 15.0, **security) -> None:
    """Create the corporation's prefixed ACLs (creating them again changes nothing) and wait
    until the broker's authorizer applies them (it loads them from the metadata log)."""
    wanted = corporation_feed_acls(corporation, user)
    with admin_client(bootstrap, **security) as admin:
        result = admin.create_acls(wanted)
        if result["failed"]:
            raise KafkaError(f"ACLs for {corporation}'s feed not created: {result['failed']}")
        deadline = time.monotonic() + timeout
        while not set(wanted) <= set(admin.describe_acls(_filter_of(wanted[0]))[0]):
            if time.monotonic() > deadline:
                raise TimeoutError(f"ACLs for {corporation}'s feed not applied in {timeout}s")
            time.sleep(0.2)


def _filter_of(acl: ACL) -> ACLFilter:
    return ACLFilter(acl.principal, None, ACLOperation.ANY, ACLPermissionType.ANY,
                     acl.resource_pattern)


def main(argv: list[str] | None = None) -> int:
    """python -m shared.messaging.kafka_admin [--bootstrap 127.0.0.1:9092]: create the registry's topics."""
    import argparse

    from shared.settings import WoonregieSettings

    settings = WoonregieSettings()
    parser = argparse.ArgumentParser(prog="python -m shared.messaging.kafka_admin", description=main.__doc__)
    parser.add_argument("--bootstrap", default=settings.kafka_bootstrap)
    parser.add_argument("--replication-factor", type=int, default=1)
    parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for the broker")
    args = parser.parse_args(argv)
    security = settings.kafka_security()
    wait_for_broker(args.bootstrap, args.wait, **security)
    for name, created in ensure_topics(
        args.bootstrap, replication_factor=args.replication_factor, **security
    ).items():
        print(f"{'created' if created else 'exists '} {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
