"""A municipality's work: urgency decisions for candidates registered there, realisation."""

from __future__ import annotations

from datetime import date

from services.portal.adapters.platform import Platform
from services.portal.auth.identity import Identity
from services.portal.service.waiting import all_items, expiring_soon, waiting_on_decision

CANDIDATE_SEARCH = ("id", "targetGroup", "registeredBy")
FILTERS = {"wacht": "Wacht op besluit", "verloopt": "Verloopt binnenkort", "alle": "Alle actieve"}


def candidates(platform: Platform, identity: Identity, which: str, today: date) -> list[dict]:
    """Active candidates registered in the municipality: waiting first, then by date."""
    items = all_items(platform, identity, "intake", "/candidates", status="active")
    keep = {"wacht": waiting_on_decision, "verloopt": lambda c: expiring_soon(c, today)}
    chosen = [c for c in items if keep.get(which, lambda c: True)(c)]
    return sorted(chosen, key=lambda c: (not waiting_on_decision(c), c["registeredOn"], c["id"]))


def decide(platform: Platform, identity: Identity, candidate_id: str, decision: str,
           category: str | None, valid_until: date | None, reason: str | None,
           reason_code: str | None = None) -> dict:
    body: dict = {"decision": decision}
    if category:
        body["category"] = category
    if reason_code:
        body["reasonCode"] = reason_code
    if valid_until:
        body["validUntil"] = valid_until.isoformat()
    if reason:
        body["reason"] = reason
    return platform.call(identity, "intake", "POST",
                         f"/candidates/{candidate_id}/urgency-decisions", json=body)


def realisation(platform: Platform, identity: Identity, period: str) -> dict:
    """The exact realisation of the person's own municipality (monitoring's detail view)."""
    return platform.get(identity, "monitoring", "/realisation", period=period,
                        scope=identity.org)
