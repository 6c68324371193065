"""The province's view: realisation of every municipality, exact, and the alerts."""

from __future__ import annotations

from services.portal.adapters.platform import ApiError, Platform
from services.portal.auth.identity import Identity
from shared.contracts.vocabulary import PROVINCE_SCOPE

ALERT_KINDS = {"band": "Stand veranderd", "stalled-proposal": "Voorstel vastgelopen"}


def realisation(platform: Platform, identity: Identity, period: str) -> dict:
    return platform.get(identity, "monitoring", "/realisation", period=period,
                        scope=PROVINCE_SCOPE)


def alerts(platform: Platform, identity: Identity, period: str) -> list[dict]:
    body = platform.get(identity, "monitoring", "/alerts", period=period, limit=50)
    return [_described(alert) for alert in body.get("alerts", [])]


def agreement(platform: Platform, identity: Identity, scope: str, period: str) -> dict | None:
    try:
        return platform.get(identity, "registry", f"/agreements/{scope}/{period}/targets")
    except ApiError as error:
        if error.status == 404:
            return None
        raise


STATUS_LABELS = {"on-track": "op schema", "behind": "achter", "ahead": "voor"}


def _described(alert: dict) -> dict:
    return {**alert, "message": f"{alert['emittedAt'][:10]} – {_alert_text(alert)}"}


def _alert_text(alert: dict) -> str:
    where = alert.get("name") or alert.get("municipality") or alert.get("scope")
    if alert.get("acceptedDays") is not None:
        return (f"{where}: geaccepteerd voorstel al {alert['acceptedDays']} dagen zonder "
                "verhuizing")
    if alert.get("proposalId"):
        return f"{where}: voorstel staat {alert.get('openDays')} dagen open"
    status = STATUS_LABELS.get(alert.get("status") or "", alert.get("status") or "–")
    previous = STATUS_LABELS.get(alert.get("previousStatus") or "", "–")
    return f"{where}: stand van {previous} naar {status}"


def agreement_in_force(platform: Platform, identity: Identity, scope: str,
                       period: str) -> dict | None:
    """The latest version of the agreement for scope and period (its terms), if any."""
    try:
        return platform.get(identity, "registry", f"/agreements/{scope}/{period}")
    except ApiError as error:
        if error.status in (404, 422):
            return None
        raise


def scopes(platform: Platform, identity: Identity) -> dict[str, str]:
    """Agreement scopes a person may choose: the province and each woondeal region."""
    regions = platform.get(identity, "registry", "/regions")
    return {PROVINCE_SCOPE: "Hele provincie", **{r["id"]: r["name"] for r in regions}}


def preview_targets(platform: Platform, identity: Identity, scope: str, period: str,
                    terms: dict) -> dict:
    return platform.call(identity, "registry", "POST",
                         f"/agreements/{scope}/{period}/preview", json=terms)


def save_agreement(platform: Platform, identity: Identity, scope: str, period: str,
                   terms: dict) -> dict:
    return platform.call(identity, "registry", "PUT", f"/agreements/{scope}/{period}",
                         json=terms)


def compared(current: dict | None, preview: dict) -> list[dict]:
    """Per municipality of the preview: its current target (None: no agreement yet), the
    previewed one and the difference."""
    now = {t["municipality"]: t["target"] for t in (current or {}).get("targets", [])}
    return [{"municipality": t["municipality"], "name": t["name"] or t["municipality"],
             "current": now.get(t["municipality"]), "preview": t["target"],
             "difference": (t["target"] - now[t["municipality"]]
                            if t["municipality"] in now else None)}
            for t in preview["targets"]]
