"""The closed, versioned list of decline reason codes (data in `decline_reasons.json`).

One list for every service: allocation validates an answer against it and parks by it,
monitoring labels its funnel with it, the simulator and the replay draw from it. A decline
carries a code only; free text about a person never leaves the service that holds it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DECLINE_REASONS_PATH = Path(__file__).with_name("decline_reasons.json")

CANDIDATE = "candidate"
CORPORATION = "corporation"
PLATFORM = "platform"  # closures the platform makes itself; no party may choose these


@dataclass(frozen=True)
class DeclineReason:
    code: str
    label: str  # Dutch, for people
    park_days: int
    valid: bool | None  # candidate side only: a refusal with a valid reason (lapse rules)


@dataclass(frozen=True)
class DeclineReasons:
    version: int
    by_party: dict[str, dict[str, DeclineReason]]
    unknown_code: str

    def codes_for(self, party: str) -> list[str]:
        return list(self.by_party.get(str(party), {}))

    def find(self, party: str, code: str) -> DeclineReason | None:
        return self.by_party.get(str(party), {}).get(code)

    def lookup(self, party: str, code: str) -> DeclineReason | None:
        """The entry of the deciding party, else the platform's (its own closures)."""
        return self.find(party, code) or self.find(PLATFORM, code)

    def label(self, party: str, code: str) -> str:
        entry = self.lookup(party, code)
        return entry.label if entry else code

    def park_days(self) -> dict[str, int]:
        """code -> days a decline with it parks the candidate (the longest over parties)."""
        days: dict[str, int] = {}
        for entries in self.by_party.values():
            for entry in entries.values():
                days[entry.code] = max(days.get(entry.code, 0), entry.park_days)
        return days

    def code_of_legacy(self, party: str, text: str | None) -> str:
        """The code an old free-text reason stands for; the text itself is dropped."""
        candidate = (text or "").strip().lower()
        return candidate if self.lookup(party, candidate) else self.unknown_code

    def document(self) -> dict:
        """The list as the API serves it (camelCase)."""
        return {"version": self.version, "parties": {
            party: [_entry_document(e) for e in entries.values()]
            for party, entries in self.by_party.items()}}


def _entry_document(entry: DeclineReason) -> dict:
    doc = {"code": entry.code, "label": entry.label, "parkDays": entry.park_days}
    if entry.valid is not None:
        doc["valid"] = entry.valid
    return doc


def parse(raw: dict) -> DeclineReasons:
    by_party: dict[str, dict[str, DeclineReason]] = {}
    for party, entries in raw["parties"].items():
        codes = [e["code"] for e in entries]
        if len(set(codes)) != len(codes):
            raise ValueError(f"decline reasons: a code repeats within {party}")
        by_party[party] = {e["code"]: DeclineReason(
            e["code"], e["label"], int(e.get("parkDays", 0)), e.get("valid"))
            for e in entries}
    unknown = raw["legacy"]["unknownCode"]
    if unknown not in by_party.get(PLATFORM, {}):
        raise ValueError("decline reasons: the legacy code must be a platform code")
    return DeclineReasons(int(raw["version"]), by_party, unknown)


@cache
def decline_reasons(path: Path = DECLINE_REASONS_PATH) -> DeclineReasons:
    return parse(json.loads(path.read_text(encoding="utf-8")))
