"""What the parties send for one simulated candidate or dwelling: request bodies built from
the simulator's world, deterministic per seed so a second run sends the same requests."""

from __future__ import annotations

import csv
import io
import random
from datetime import date

from services.allocation.domain import Candidate
from services.intake.domain.bsn import fake_bsn
from shared.contracts.vocabulary import Role
from tools.simulator.world import VacancyFacts

FIRST_NAMES = ("Anna", "Bram", "Chantal", "Dirk", "Eva", "Femke", "Gert", "Henk", "Ilse", "Jan")
LAST_NAMES = ("de Vries", "Bakker", "Smit", "Mulder", "Dijkstra", "Bos", "Visser", "Meijer")
# a yearly income inside the world's income class (limits of 2025/2026: passend up to 28,375
# for one person and 38,500 for more; DAEB up to 49,669 / 54,847)
INCOME = {("passend", 1): 21_000, ("passend", 2): 31_000,
          ("daeb", 1): 40_000, ("daeb", 2): 46_000}


def registrar(org: str) -> tuple[str, Role]:
    """Who registers the world's candidate through intake: its care provider, Menzis, or for
    a candidate the municipality found itself, the municipality's social team (intake takes
    registrations from care organisations only)."""
    if org == "menzis":
        return org, Role.CARE_OFFICE
    if org.startswith("GM") and org[2:].isdigit():
        return f"sociaal-team-{org.lower()}", Role.CARE_PROVIDER
    return org, Role.CARE_PROVIDER


def candidate_body(candidate: Candidate, seed: int) -> dict:
    rng = random.Random(f"year-demo:{seed}:{candidate.id}")
    needs = candidate.needs
    size = 1 if candidate.household_size == 1 else 2
    return {
        "bsn": fake_bsn(rng),
        "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "birthYear": rng.randint(1950, 2004),
        "householdSize": candidate.household_size,
        "yearlyIncome": INCOME[(str(candidate.income_class), size)],
        "targetGroup": str(candidate.target_group),
        "needs": {"accessibility": str(needs.accessibility),
                  "ambulantSupport": needs.ambulant_support,
                  "careProvider": needs.care_provider},
        "registrationMunicipality": candidate.registration_municipality,
        "preferredMunicipalities": list(candidate.preferred_municipalities),
        "excludedMunicipalities": list(candidate.excluded_municipalities),
        "regionBinding": candidate.region_binding,
        # registered the day the urgency is granted, as in the world: the dashboard's
        # registrations lie in the simulated year, not all on the day of the demo
        "registeredOn": candidate.urgency.granted_on.isoformat(),
    }


def urgency_body(candidate: Candidate) -> dict:
    urgency = candidate.urgency
    assert urgency is not None
    return {"decision": "granted", "category": str(urgency.category),
            "validUntil": urgency.valid_until.isoformat(),
            "decidedOn": urgency.granted_on.isoformat(),
            "reason": "urgentie verleend (jaardemo)"}


def answer_body(party: str, decision: str, on: date, reason: str | None) -> dict:
    """One party's answer to a proposal; a decline carries the world's reason code.
    The one place that knows the answer's wire shape."""
    body = {"decision": decision, "decidedBy": party, "on": on.isoformat()}
    if decision == "declined":
        body["reasonCode"] = reason
    return body


def dwellings_csv(rows: list[tuple[str, str, int, float, str, bool]]) -> str:
    """(bagId, municipality, rooms, rent, accessibility, careSuitable) rows as the registry's
    dwelling import reads them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["bagId", "municipality", "rooms", "monthlyRent", "accessibility",
                     "careSuitable"])
    for bag_id, code, rooms, rent, accessibility, care in rows:
        writer.writerow([bag_id, code, rooms, f"{rent:.2f}", accessibility,
                         "ja" if care else "nee"])
    return out.getvalue()


def vacancy_row(facts: VacancyFacts) -> tuple[str, str, int, float, str, bool]:
    v = facts.vacancy
    return (v.bag_id, v.municipality, v.rooms, v.monthly_rent, str(v.accessibility),
            v.care_suitable)
