"""The topic registry: the only place in the code base that names a Kafka topic.

Every service, script and test takes topic names from here. `.dlq` companions are derived,
never written by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

DAY_MS = 24 * 60 * 60 * 1000


class Cleanup(StrEnum):
    DELETE = "delete"
    COMPACT = "compact"


@dataclass(frozen=True)
class Topic:
    name: str
    key: str
    partitions: int = 3
    cleanup: Cleanup = Cleanup.DELETE
    retention_ms: int = -1  # -1: kept forever, so replay from offset 0 rebuilds all state
    description: str = ""

    @property
    def dlq(self) -> "Topic":
        return Topic(
            name=f"{self.name}.dlq",
            key=f"original key ({self.key})",
            partitions=1,
            cleanup=Cleanup.DELETE,
            retention_ms=90 * DAY_MS,
            description=f"dead letters of {self.name}: raw message, error, consumer, time",
        )

    def config(self) -> dict[str, str]:
        """Topic-level broker configuration."""
        return {"cleanup.policy": str(self.cleanup), "retention.ms": str(self.retention_ms)}


MUNICIPALITIES = Topic(
    "registry.municipalities.v1", "CBS code", 1, Cleanup.COMPACT,
    description="reference data: municipality, region membership, population, care coverage",
)
DWELLINGS = Topic(
    "registry.dwellings.v1", "BAG id", 3, Cleanup.COMPACT,
    description="stock: municipality, corporation, rooms, rent, accessibility, care suitability",
)
VACANCIES = Topic(
    "registry.vacancies.v1", "BAG id", 3,
    description="vacancy announced / withdrawn / let",
)
VACANCY_FEED = Topic(
    "registry.vacancy-feed.v1", "corporation:BAG id", 3,
    description="inbound: corporations stream vacancies here; registry validates and republishes",
)
AGREEMENTS = Topic(
    "registry.agreements.v1", "scope:period", 1, Cleanup.COMPACT,
    description="fair-share agreement with its computed targets",
)
CANDIDATES = Topic(
    "intake.candidates.v1", "candidate id (pseudonymous)", 3,
    description="registered, updated, urgency granted/refused/expired, withdrawn, erased",
)
PROPOSALS = Topic(
    "allocation.proposals.v1", "vacancy id", 3,
    description="proposed (with explanation), accepted, declined, expired",
)
PLACEMENTS = Topic(
    "allocation.placements.v1", "candidate id (pseudonymous)", 3,
    description="move-in of an urgent candidate: the unit of realisation",
)
ALERTS = Topic(
    "monitoring.alerts.v1", "scope", 1,
    description="a municipality out of its band, a stalled proposal",
)

WOONZORGVISIE = Topic(
    "registry.woonzorgvisie.v1", "import id", 1, Cleanup.COMPACT,
    description="woonzorgvisie imports: housing need, forecast and rates, building programme",
)

MAIN_TOPICS: tuple[Topic, ...] = (
    MUNICIPALITIES, DWELLINGS, VACANCIES, VACANCY_FEED, AGREEMENTS,
    CANDIDATES, PROPOSALS, PLACEMENTS, ALERTS,
    WOONZORGVISIE,
)
ALL_TOPICS: tuple[Topic, ...] = MAIN_TOPICS + tuple(t.dlq for t in MAIN_TOPICS)
BY_NAME: dict[str, Topic] = {t.name: t for t in ALL_TOPICS}


# --- the corporations' own feeds -------------------------------------------------------------
# One inbound topic per corporation, `registry.feed.<corporation>.v1`: a corporation's Kafka user
# may write only topics starting with `registry.feed.<corporation>.` (a PREFIXED ACL), so the
# topic name says who wrote a record. Registry reads them all by pattern; their dead letters go
# to the feed's DLQ (a corporation may not write there).
CORPORATION_FEED_PREFIX = "registry.feed."
CORPORATION_FEED_VERSION = "v1"
CORPORATION_NAME = r"[a-z0-9][a-z0-9-]*"
CORPORATION_FEED_PATTERN = (
    rf"^{re.escape(CORPORATION_FEED_PREFIX)}({CORPORATION_NAME})\.{CORPORATION_FEED_VERSION}$")
# what registry subscribes to: every corporation's feed and the shared feed topic
FEED_SUBSCRIPTION = rf"{CORPORATION_FEED_PATTERN}|^{re.escape(VACANCY_FEED.name)}$"


# the feeds as one AsyncAPI channel with a parameter (docs/asyncapi.yaml)
CORPORATION_FEED_ADDRESS = f"{CORPORATION_FEED_PREFIX}{{corporation}}.{CORPORATION_FEED_VERSION}"


def corporation_feed_prefix(corporation: str) -> str:
    """The PREFIXED ACL resource of a corporation's feeds (every version)."""
    if not re.fullmatch(CORPORATION_NAME, corporation):
        raise ValueError(f"corporation {corporation!r}: lower case letters, digits and -")
    return f"{CORPORATION_FEED_PREFIX}{corporation}."


def corporation_feed(corporation: str) -> Topic:
    return Topic(
        f"{corporation_feed_prefix(corporation)}{CORPORATION_FEED_VERSION}",
        VACANCY_FEED.key, VACANCY_FEED.partitions,
        description=f"inbound: the vacancies of corporation {corporation}; only it writes here",
    )


def corporation_of_feed(topic_name: str) -> str | None:
    """The corporation whose feed topic this is; None for any other topic."""
    match = re.fullmatch(CORPORATION_FEED_PATTERN, topic_name)
    return match.group(1) if match else None


def dlq_of(topic_name: str) -> Topic:
    if corporation_of_feed(topic_name):
        return VACANCY_FEED.dlq
    return BY_NAME[topic_name].dlq
