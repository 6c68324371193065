"""'Wat wacht op mij': the work waiting for a person, computed from the services' queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.portal.adapters.platform import ApiError, Platform, ServiceUnavailable
from services.portal.auth.identity import Identity
from shared.contracts.periods import today_amsterdam
from shared.contracts.vocabulary import Role

STALLED_AFTER_DAYS = 10  # as monitoring's default for a stalled proposal
EXPIRING_WITHIN_DAYS = 14
MAX_PAGES = 20  # services page at 100 at most; beyond 2,000 a queue needs its own page


@dataclass(frozen=True)
class WaitingItem:
    text: str
    count: int | None  # None: the service could not be asked now
    link: str


def all_items(platform: Platform, identity: Identity, service: str, path: str,
              **params) -> list[dict]:
    """Every item of a paged list (up to MAX_PAGES pages)."""
    items: list[dict] = []
    for page in range(1, MAX_PAGES + 1):
        body = platform.get(identity, service, path, page=page, pageSize=100, **params)
        items.extend(body["items"])
        if len(items) >= body["total"] or not body["items"]:
            break
    return items


def is_stalled(proposal: dict, today: date) -> bool:
    return date.fromisoformat(proposal["proposedOn"]) <= today - timedelta(days=STALLED_AFTER_DAYS)


def waiting_on_decision(candidate: dict) -> bool:
    return candidate["status"] == "active" and candidate.get("urgency") is None


def expiring_soon(candidate: dict, today: date) -> bool:
    urgency = candidate.get("urgency") or {}
    until = urgency.get("validUntil")
    return (urgency.get("status") == "granted" and until is not None
            and date.fromisoformat(until) <= today + timedelta(days=EXPIRING_WITHIN_DAYS))


def waiting_for(platform: Platform, identity: Identity) -> list[WaitingItem]:
    try:
        return _ASKS.get(identity.role, lambda p, i, t: [])(platform, identity, today_amsterdam())
    except (ApiError, ServiceUnavailable):
        return [WaitingItem("Wat op u wacht kon nu niet worden opgehaald", None, "/")]


def _corporation(platform: Platform, identity: Identity, today: date) -> list[WaitingItem]:
    open_ = all_items(platform, identity, "allocation", "/proposals", status="open")
    stalled = [p for p in open_ if is_stalled(p, today)]
    accepted = all_items(platform, identity, "allocation", "/proposals", status="accepted")
    return [
        WaitingItem("Voorstellen die al lang openstaan", len(stalled),
                    "/corporatie/voorstellen?status=open"),
        WaitingItem("Voorstellen om te beantwoorden", len(open_),
                    "/corporatie/voorstellen?status=open"),
        WaitingItem("Geaccepteerde voorstellen zonder verhuizing", len(accepted),
                    "/corporatie/voorstellen?status=accepted"),
    ]


def _municipality(platform: Platform, identity: Identity, today: date) -> list[WaitingItem]:
    active = all_items(platform, identity, "intake", "/candidates", status="active")
    return [
        WaitingItem("Urgentieaanvragen die op een besluit wachten",
                    sum(waiting_on_decision(c) for c in active), "/gemeente/urgentie"),
        WaitingItem("Urgenties die binnen twee weken verlopen",
                    sum(expiring_soon(c, today) for c in active),
                    "/gemeente/urgentie?filter=verloopt"),
    ]


def _care(platform: Platform, identity: Identity, today: date) -> list[WaitingItem]:
    active = all_items(platform, identity, "intake", "/candidates", status="active")
    return [
        WaitingItem("Cliënten die nog op een urgentiebesluit wachten",
                    sum(waiting_on_decision(c) for c in active), "/zorg/clienten"),
        WaitingItem("Actieve cliënten", len(active), "/zorg/clienten"),
    ]


def _province(platform: Platform, identity: Identity, today: date) -> list[WaitingItem]:
    alerts = platform.get(identity, "monitoring", "/alerts", limit=50)
    count = len(alerts.get("items", alerts) if isinstance(alerts, dict) else alerts)
    return [WaitingItem("Recente signalen (achterstand, vastgelopen voorstellen)", count,
                        "/provincie/monitor")]


_ASKS = {
    Role.CORPORATION: _corporation,
    Role.MUNICIPALITY: _municipality,
    Role.CARE_PROVIDER: _care,
    Role.CARE_OFFICE: _care,
    Role.PROVINCE: _province,
}
