"""Before the year starts: the corporations' stock and the province's agreement, as the
simulator's scenario has them.

The registry computes the fair-share key from its own stock counts, so the corporations
import, per municipality, a tenth of the scenario's social stock (the dwellings that fall
vacant in the year among them): the key, a share, then equals the scenario's. The province
publishes the scenario's terms; a second run finds the same terms and publishes nothing.
"""

from __future__ import annotations

from collections import defaultdict

from tools.simulator.world import World
from tools.year_http import PartyApi
from tools.year_parties import dwellings_csv, vacancy_row

STOCK_SCALE = 10  # one imported dwelling stands for ten of the scenario's social stock
IMPORT_ROWS = 500  # per request: a file the registry takes in well under its timeout


def stock_rows(world: World) -> dict[str, list[tuple]]:
    """Per corporation, the dwelling rows to import."""
    rows: dict[str, list[tuple]] = defaultdict(list)
    vacant: dict[str, int] = defaultdict(int)
    for facts in world.vacancies:
        rows[facts.vacancy.corporation].append(vacancy_row(facts))
        vacant[facts.vacancy.municipality] += 1
    for plan in world.scenario.municipalities:
        extra = max(0, round(plan.social_stock / STOCK_SCALE) - vacant[plan.code])
        for n in range(extra):
            corporation = plan.corporations[n % len(plan.corporations)]
            rows[corporation].append((f"{plan.code[2:]}02{n + 1:010d}", plan.code, 2, 600.0,
                                      "geen", False))
    return rows


class SetupFailed(RuntimeError):
    """Without the stock or the agreement the year cannot run."""


def import_stock(api: PartyApi, world: World) -> None:
    for corporation, all_rows in sorted(stock_rows(world).items()):
        for first in range(0, len(all_rows), IMPORT_ROWS):
            _import(api, corporation, all_rows[first:first + IMPORT_ROWS])


def _import(api: PartyApi, corporation: str, rows: list[tuple]) -> None:
    if api.import_dwellings(corporation, dwellings_csv(rows)) is None:
        raise SetupFailed(f"the dwellings of {corporation} were not imported: "
                          f"{api.stats.last_errors[-1] if api.stats else ''}")


def agreement_body(world: World) -> dict:
    scenario = world.scenario
    return {
        "urgentShare": scenario.urgent_share,
        "capShare": scenario.cap_share,
        "keyWeights": dict(scenario.key_weights),
        "expectedLettings": round(sum(m.expected_lettings for m in scenario.municipalities)),
        "categories": [{"category": str(c.category), "validityDays": c.validity_days}
                       for c in scenario.categories],
    }


def publish_agreement(api: PartyApi, world: World) -> dict | None:
    body, period = agreement_body(world), str(world.year)
    current = api.agreement(period)
    if current is not None and _same_terms(current, body):
        return current
    published = api.publish_agreement(period, body)
    if published is None:
        raise SetupFailed(f"the agreement {period} was not published")
    return published


def _same_terms(current: dict, body: dict) -> bool:
    return (current["urgentShare"] == body["urgentShare"]
            and current["capShare"] == body["capShare"]
            and current["expectedLettings"] == body["expectedLettings"]
            and current["keyWeights"] == body["keyWeights"]
            and [(c["category"], c["validityDays"]) for c in current["categories"]]
            == [(c["category"], c["validityDays"]) for c in body["categories"]])
