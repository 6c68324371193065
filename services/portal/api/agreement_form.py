"""The province's agreement editor: form fields <-> the registry's agreement terms.

The editor changes the shares, the key and the cap; every other term (urgency categories,
given expected lettings, carry-over, stapeling threshold) is taken over unchanged from the
agreement in force, so saving from the editor never silently drops one."""

from __future__ import annotations

from services.portal.api.forms import FormReader
from services.portal.service.texts import PERIOD

WEIGHTS = {"gewicht_inwoners": "population", "gewicht_voorraad": "socialStock",
           "gewicht_verhuringen": "lettings"}
# the registry's invalidParams names (last part) -> the field the error is shown beside
API_FIELDS = {"urgentShare": "aandeel_urgent", "capShare": "plafond", "keyWeights":
              "gewicht_inwoners", "scope": "gebied", "period": "periode",
              **{api: form for form, api in WEIGHTS.items()}}
NO_BASIS = ("Er is nog geen afspraak voor dit gebied en deze periode of voor de provincie in "
            "{period}: de urgentiecategorieën kunnen nergens van worden overgenomen.")


def prefilled(agreement: dict | None, scope: str, period: str) -> dict[str, str]:
    """The form's values: the agreement in force, or empty shares when there is none."""
    values = {"gebied": scope, "periode": period}
    if agreement:
        values.update(aandeel_urgent=f"{agreement['urgentShare']:g}",
                      plafond=f"{agreement['capShare']:g}")
        values.update({form: f"{agreement['keyWeights'].get(api, 0):g}"
                       for form, api in WEIGHTS.items()})
    return values


def read_editor(reader: FormReader, scopes: dict[str, str]) -> tuple[str, str, dict]:
    """Scope, period and the edited terms; the reader collects what is wrong."""
    scope = reader.choice("gebied", "een gebied", scopes)
    period = reader.text("periode", "de periode", max_length=10)
    if period and not PERIOD.fullmatch(period):
        reader.errors["periode"] = "Vul de periode in als jaar (2026) of halfjaar (2026-H1)."
    edited = {
        "urgentShare": reader.number("aandeel_urgent", "het aandeel urgent", low=0, high=1,
                                     whole=False),
        "capShare": reader.number("plafond", "het plafond", low=0, high=1, whole=False),
        "keyWeights": {api: reader.number(form, "het gewicht", low=0, high=1, whole=False)
                       for form, api in WEIGHTS.items()},
    }
    return scope or "", period or "", edited


def full_terms(edited: dict, basis: dict, same_agreement: bool) -> dict:
    """The edited terms plus the ones the editor keeps from `basis`. Carry-over and given
    expected lettings belong to one scope and period: only kept from that same agreement."""
    terms = {**edited, "categories": [
        {k: v for k, v in c.items() if v is not None} for c in basis["categories"]]}
    if basis.get("stapelingThreshold") is not None:
        terms["stapelingThreshold"] = basis["stapelingThreshold"]
    if same_agreement:
        terms["carryOver"] = basis.get("carryOver") or {}
        if basis.get("expectedLettingsSource") == "given":
            terms["expectedLettings"] = basis["expectedLettings"]
    return terms
