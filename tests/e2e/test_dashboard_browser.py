"""The monitoring dashboard in a real headless Chromium (Debian's /usr/bin/chromium, driven
by Playwright with its executable path; no browser download): the charts render with the
API's numbers, the page updates itself after a new placement, the console stays clean, and
axe-core finds no serious or critical WCAG 2.1 A/AA violation.

The app runs under uvicorn on a free loopback port (real HTTP) against the session's broker.
A screenshot is left in /tmp/woonregie-dashboard.png for a person to look at.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration" / "monitoring"))

from monitoring_helpers import Scenario, eventually, publish  # noqa: E402
from platform_fixtures import service_settings  # noqa: E402

from shared.contracts.vocabulary import DecidedBy, TargetGroup  # noqa: E402
from shared.local.broker import free_port  # noqa: E402

sync_api = pytest.importorskip("playwright.sync_api")
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.kafka
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
SCREENSHOT = Path("/tmp/woonregie-dashboard.png")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def scenario(kafka_bootstrap) -> Scenario:
    """Six placements in one municipality (public: 6 is shown), lettings, flows, a decline."""
    from factories import sample_event

    from shared.contracts import events as ev
    scenario = Scenario(target=12, expected_lettings=24.0)
    placements = [e for month in range(1, 7) for e in scenario.placement(
        move_in=date(2026, month, 10),
        group=TargetGroup.MEDISCH if month % 2 else TargetGroup.BESCHERMD_WONEN)]
    declined = scenario.proposal(date(2026, 2, 1))
    publish(kafka_bootstrap, scenario.municipality("Dashboardum"), scenario.agreement(),
            *placements, *(scenario.regular_letting(date(2026, 4, d)) for d in range(1, 7)),
            declined,
            sample_event(ev.ProposalDeclined, proposal_id=declined.proposal_id,
                         vacancy_id=declined.vacancy_id, candidate_id=declined.candidate_id,
                         municipality=scenario.code, decided_by=DecidedBy.CANDIDATE,
                         reason_code="location-unsafe", declined_on=date(2026, 2, 3)))
    return scenario


@pytest.fixture
def base_url(tmp_path, kafka_bootstrap, auth_db_url):
    import uvicorn

    from services.monitoring.api.app import create_app
    from shared.local.services import SERVICES
    from shared.migrations import upgrade

    settings = service_settings("monitoring", tmp_path, kafka_bootstrap, auth_db_url,
                                dashboard_refresh_seconds=2)
    upgrade(SERVICES["monitoring"].migrations, settings.db_url())
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, name="dashboard-uvicorn", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: httpx.get(f"{url}/v1/filter-options").json()["replayComplete"],
                   timeout=30)
        yield url
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture
def browser_page():
    """(page, problems): problems collects console errors, page errors, failed requests."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
            problems: list[str] = []
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(str(e)))
            # a fetch the page itself cancels on navigation (language switch) is no failure
            page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED"
                    and problems.append(f"failed: {r.url} ({r.failure})"))
            yield page, problems
        finally:
            browser.close()


def loads(page) -> int:
    return int(page.evaluate("document.body.dataset.loaded || 0"))


def test_dashboard_renders_the_api_numbers_accessibly(base_url, scenario, browser_page,
                                                      kafka_bootstrap):
    page, problems = browser_page
    api = httpx.get(f"{base_url}/v1/realisation", params=scenario.query).json()
    assert api["total"]["realised"] == 6  # public view: 6 is shown

    page.goto(f"{base_url}/?period=2026&scope={scenario.scope}")
    page.wait_for_function("Number(document.body.dataset.loaded || 0) >= 1", timeout=20_000)

    # the charts render: every chart container holds plotly's SVG
    charts = page.locator("div.chart")
    assert charts.count() == 7
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.locator("svg.main-svg").count() >= 1, chart.get_attribute("id")
        assert len(chart.get_attribute("aria-label")) > 20
    assert page.locator("#chart-realisation .bars .point").count() >= 1

    # the numbers shown are the API's numbers
    assert page.locator("#kpi-realised").inner_text() == str(api["total"]["realised"])
    assert page.locator("#kpi-target").inner_text() == str(api["total"]["target"])
    row = page.locator("#table-realisation tbody tr", has_text="Dashboardum")
    assert row.locator("td").nth(1).inner_text() == str(api["municipalities"][0]["realised"])

    # the by-name figures per month and where people moved: a table each
    assert page.locator("#table-households tbody tr").count() == 12  # the months of 2026
    move = page.locator("#table-moves tbody tr", has_text="Dashboardum").first
    assert move.locator("td").nth(1).inner_text() == "6"  # registered and housed there

    # updates by itself after a new placement (refresh every 2 s)
    publish(kafka_bootstrap, *scenario.placement(date(2026, 7, 1)))
    page.wait_for_function(
        "document.getElementById('kpi-realised').textContent === '7'", timeout=15_000)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # keyboard: the first Tab reaches the skip link; the filters are reachable
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.focus("#f-group")
    page.select_option("#f-group", "medisch")
    page.wait_for_function("new URL(location.href).searchParams.get('targetGroup') === "
                           "'medisch'", timeout=10_000)

    results = axe_playwright.Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    serious = [v for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], results.generate_report()
    assert problems == []


def test_dashboard_in_english(base_url, scenario, browser_page):
    page, problems = browser_page
    page.goto(f"{base_url}/?period=2026&scope={scenario.scope}")
    page.wait_for_function("Number(document.body.dataset.loaded || 0) >= 1", timeout=20_000)
    page.click("#lang-toggle")
    page.wait_for_function("document.documentElement.lang === 'en' && "
                           "Number(document.body.dataset.loaded || 0) >= 1", timeout=20_000)
    assert "fair share" in page.locator("h1").inner_text()
    assert page.locator("#f-scope").input_value() == scenario.scope  # filters kept
    assert page.locator("#kpi-realised").inner_text() == "6"
    results = axe_playwright.Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert [v["id"] for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")] == []
    assert problems == []
