"""Dutch names for the closed vocabularies shown on the pages."""

from __future__ import annotations

import re
from datetime import date

TARGET_GROUPS = {
    "beschermd-wonen": "Beschermd wonen", "maatschappelijke-opvang": "Maatschappelijke opvang",
    "vrouwenopvang": "Vrouwenopvang", "mantelzorg": "Mantelzorg", "medisch": "Medisch",
    "dakloos-gezin": "Dakloos gezin", "detentie": "Uit detentie",
    "statushouder": "Statushouder", "ouderen": "Ouderen",
}
ACCESSIBILITY = {"geen": "Geen eisen", "nultreden": "Nultredenwoning", "rollator": "Rollator",
                 "rolstoel": "Rolstoel"}
WITHDRAWAL_REASONS = {
    "housed-elsewhere": "Elders gehuisvest", "moved-away": "Verhuisd uit de regio",
    "no-longer-eligible": "Komt niet meer in aanmerking", "no-longer-needed": "Niet meer nodig",
    "no-contact": "Geen contact meer", "deceased": "Overleden", "other": "Anders",
}
CANDIDATE_STATUS = {"active": "Actief", "withdrawn": "Teruggetrokken", "housed": "Gehuisvest",
                    "erased": "Gewist"}
URGENCY_STATUS = {"granted": "Toegekend", "refused": "Afgewezen", "expired": "Verlopen",
                  "revoked": "Ingetrokken"}
PERIOD = re.compile(r"^\d{4}(-H[12])?$")


def period_choice(raw: str | None, today: date) -> str:
    return raw if raw and PERIOD.fullmatch(raw) else str(today.year)
REVOCATION_REASONS = {
    "no-longer-eligible": "Voldoet niet meer aan de voorwaarden",
    "incorrect-information": "Onjuiste gegevens verstrekt", "situation-resolved": "Situatie opgelost",
    "moved-away": "Verhuisd uit de gemeente", "other": "Anders",
}
