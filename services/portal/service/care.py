"""Care providers' and the care office's work: their clients as candidates in intake."""

from __future__ import annotations

import json

from services.portal.adapters.platform import Platform
from services.portal.auth.identity import Identity
from services.portal.service.waiting import all_items

# never a name or a BSN: a search term ends up in the address bar and the logs
CLIENT_SEARCH = ("id", "targetGroup", "status", "registrationMunicipality")
STAGES = {"housed": "Gehuisvest", "withdrawn": "Teruggetrokken", "erased": "Gewist"}


def stage_of(candidate: dict) -> str:
    """Where a client stands, in one Dutch phrase."""
    if candidate["status"] in STAGES:
        return STAGES[candidate["status"]]
    urgency = candidate.get("urgency")
    if urgency is None:
        return "Wacht op urgentiebesluit"
    return {"granted": "Urgentie toegekend, wacht op een woning",
            "refused": "Urgentie afgewezen", "expired": "Urgentie verlopen",
            "revoked": "Urgentie ingetrokken"}.get(urgency["status"], urgency["status"])


def clients(platform: Platform, identity: Identity) -> list[dict]:
    items = all_items(platform, identity, "intake", "/candidates")
    for item in items:
        item["stage"] = stage_of(item)
    return sorted(items, key=lambda c: (c["status"] != "active", c["registeredOn"], c["id"]))


def client(platform: Platform, identity: Identity, candidate_id: str) -> dict:
    found = platform.get(identity, "intake", f"/candidates/{candidate_id}")
    found["stage"] = stage_of(found)
    return found


def register(platform: Platform, identity: Identity, body: dict) -> dict:
    return platform.call(identity, "intake", "POST", "/candidates", json=body)


def update_needs(platform: Platform, identity: Identity, candidate_id: str,
                 needs: dict) -> dict:
    return platform.call(identity, "intake", "PATCH", f"/candidates/{candidate_id}",
                         content=json.dumps({"needs": needs}).encode(), content_type="application/merge-patch+json")


def withdraw(platform: Platform, identity: Identity, candidate_id: str, reason: str) -> dict:
    return platform.call(identity, "intake", "POST", f"/candidates/{candidate_id}/withdrawal",
                         json={"reason": reason})


def import_csv(platform: Platform, identity: Identity, raw: bytes) -> dict:
    return platform.call(identity, "intake", "POST", "/candidate-imports", content=raw,
                         content_type="text/csv")

