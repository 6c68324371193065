"""Where the yearly limits of passend toewijzen and DAEB live (`yearly_limits.json`).

One data file for intake (income class) and allocation (rent cap, DAEB limit); each service
turns the document into its own domain objects. Next year's limits are a new entry in the file
and a restart of both services, no code.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

YEARLY_LIMITS_PATH = Path(__file__).with_name("yearly_limits.json")


@cache
def yearly_limits_document(path: Path = YEARLY_LIMITS_PATH) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
