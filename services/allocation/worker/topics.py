"""The topics the allocation worker consumes.

Not `registry.dwellings.v1`: every vacancy carries its dwelling's facts, so the stock adds
nothing to a decision. Not the vacancy feed: registry validates it and republishes on
`registry.vacancies.v1`. Allocation's own topics are written through the outbox only.
"""

from __future__ import annotations

import faust

from shared.contracts import topics
from shared.contracts.topics import Topic

CONSUMED: tuple[Topic, ...] = (
    topics.MUNICIPALITIES, topics.AGREEMENTS, topics.CANDIDATES, topics.VACANCIES,
)


def inputs_topic(app: faust.App) -> faust.TopicT:
    """One Faust topic over all inputs, read as raw bytes so that `EventProcessor` decodes and
    dead-letters poison itself (a Faust codec would skip it silently). `internal=False`: the
    topics exist (created by `woonregie topics`); Faust must neither create nor alter them."""
    return app.topic(*(t.name for t in CONSUMED), key_type=bytes, value_type=bytes,
                     key_serializer="raw", value_serializer="raw", internal=False)
