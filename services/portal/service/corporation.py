"""A corporation's work: its dwellings and vacancies, and the proposals for its dwellings."""

from __future__ import annotations

from datetime import date

from services.portal.adapters.platform import Platform
from services.portal.auth.identity import Identity
from services.portal.service.waiting import all_items, is_stalled

PROPOSAL_SEARCH = ("id", "bagId", "municipality", "targetGroup", "candidateId")
DWELLING_SEARCH = ("bagId", "municipality", "neighbourhood")


def proposals(platform: Platform, identity: Identity, status: str | None,
              today: date) -> list[dict]:
    """The corporation's proposals, stalled ones first, then oldest first."""
    items = all_items(platform, identity, "allocation", "/proposals", status=status or None)
    for item in items:
        item["stalled"] = item["status"] == "open" and is_stalled(item, today)
    return sorted(items, key=lambda p: (not p["stalled"], p["proposedOn"], p["id"]))


def proposal(platform: Platform, identity: Identity, proposal_id: str) -> dict:
    return platform.get(identity, "allocation", f"/proposals/{proposal_id}")


def decline_reasons(platform: Platform, identity: Identity) -> list[dict]:
    """Allocation's closed list of a corporation's reasons to decline (code and label)."""
    body = platform.get(identity, "allocation", "/decline-reasons")
    return list(body.get("parties", {}).get("corporation", []))


def answer(platform: Platform, identity: Identity, proposal_id: str, decision: str,
           note: str | None, reason_code: str | None) -> dict:
    body: dict = {"decision": decision, "decidedBy": "corporation"}
    if reason_code:
        body["reasonCode"] = reason_code
    if note:
        body["note"] = note
    return platform.call(identity, "allocation", "POST", f"/proposals/{proposal_id}/responses",
                         json=body)


def record_move_in(platform: Platform, identity: Identity, proposal_id: str,
                   on: date) -> dict:
    return platform.call(identity, "allocation", "POST", f"/proposals/{proposal_id}/move-in",
                         json={"date": on.isoformat()})


def dwellings(platform: Platform, identity: Identity) -> list[dict]:
    return all_items(platform, identity, "registry", "/dwellings")


def dwelling(platform: Platform, identity: Identity, bag_id: str) -> dict:
    return platform.get(identity, "registry", f"/dwellings/{bag_id}")


def open_vacancies(platform: Platform, identity: Identity) -> dict[str, dict]:
    items = all_items(platform, identity, "registry", "/vacancies", status="open")
    return {v["bagId"]: v for v in items}


def announce_vacancy(platform: Platform, identity: Identity, bag_id: str,
                     available_from: date) -> dict:
    return platform.call(identity, "registry", "POST", "/vacancies",
                         json={"bagId": bag_id, "availableFrom": available_from.isoformat()})
