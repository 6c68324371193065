#!/bin/sh
# One-shot (docker-compose.yml, service kafka-acls): for each line "corporation password" of
# /run/secrets/kafka_feed_users, the corporation's SCRAM user feed-<corporation>, a PREFIXED
# ACL that lets it write (and describe) only topics starting with registry.feed.<corporation>.,
# and its feed topic registry.feed.<corporation>.v1. Safe to run again: every step is idempotent.
# Topic names as in shared/contracts/topics.py (corporation_feed); see docs/KAFKA-SECURITY.md.
set -eu
bin=${KAFKA_BIN:-/opt/kafka/bin}
bootstrap=${KAFKA_ADMIN_BOOTSTRAP:-kafka:9094}
replication=${KAFKA_FEED_REPLICATION_FACTOR:-1}
users=${KAFKA_FEED_USERS_FILE:-/run/secrets/kafka_feed_users}

grep -v '^[[:space:]]*#' "$users" | while read -r corporation password; do
  [ -n "$corporation" ] || continue
  case "$corporation" in
    *[!a-z0-9-]*) echo "skipped: corporation '$corporation' (a-z, 0-9 and - only)" >&2; continue ;;
  esac
  "$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --alter --entity-type users \
    --entity-name "feed-$corporation" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$password]"
  "$bin/kafka-acls.sh" --bootstrap-server "$bootstrap" --add \
    --allow-principal "User:feed-$corporation" --operation Write --operation Describe \
    --topic "registry.feed.$corporation." --resource-pattern-type prefixed
  "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "registry.feed.$corporation.v1" --partitions 3 --replication-factor "$replication"
  echo "feed of $corporation: user feed-$corporation, topic registry.feed.$corporation.v1"
done
