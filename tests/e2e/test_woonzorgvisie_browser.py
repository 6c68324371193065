"""The woonzorgvisie page in a real headless Chromium (as test_dashboard_browser.py): the
three charts render from the page's figures, the tables show the public view, the
illustrative dataset is labelled, the console stays clean, and axe-core finds no serious or
critical WCAG 2.1 A/AA violation."""

from __future__ import annotations

import pytest
from test_dashboard_browser import WCAG_TAGS, axe_playwright, base_url, browser_page  # noqa: F401
from test_monitoring_woonzorgvisie import (
    BEFORE,
    IMPORTED,
    NEW_HOME,
    Dataset,
    publish_at,
)

from shared.contracts.vocabulary import Accessibility

pytestmark = pytest.mark.kafka
SCREENSHOT = "/tmp/woonregie-woonzorgvisie.png"


def cells(page, table: str, first: str) -> list[str]:
    row = page.locator(f"#table-{table} tbody tr", has_text=first).first
    # text_content: the tables of closed <details> are not rendered, but they are there
    return [row.locator("td").nth(i).text_content() for i in range(row.locator("td").count())]


def test_woonzorgvisie_page_renders_labelled_and_accessible(kafka_bootstrap, base_url,
                                                           browser_page):
    page, problems = browser_page
    data = Dataset(illustrative=True)
    publish_at(kafka_bootstrap, BEFORE, *data.stock())
    publish_at(kafka_bootstrap, IMPORTED, *data.imports(), data.agreement())
    publish_at(kafka_bootstrap, NEW_HOME, data.home(data.w1, Accessibility.NULTREDEN, False))
    publish_at(kafka_bootstrap, IMPORTED, *data.placements())

    url = f"{base_url}/woonzorgvisie?year=2030&municipality={data.code}&period=2026"
    for _ in range(40):  # until the read model holds the placements, not only the homes
        page.goto(url)
        page.wait_for_function("document.body.dataset.loaded === '1'", timeout=20_000)
        if (page.locator("#table-stapeling tbody tr").count() == 2
                and "0" not in cells(page, "stapeling", data.w1)[3:5]):
            break
        page.wait_for_timeout(500)

    assert page.locator("html").get_attribute("lang") == "nl"
    assert "illustratieve voorbeeldset" in page.locator("#illustrative").inner_text()
    assert "(illustratief)" in page.locator("#sources").inner_text()
    charts = page.locator("div.chart")
    assert charts.count() == 3
    for index in range(3):
        chart = charts.nth(index)
        assert chart.locator("svg.main-svg").count() >= 1, chart.get_attribute("id")
        assert len(chart.get_attribute("aria-label")) > 40
    assert page.locator("#chart-stapeling .bars .point").count() == 2

    # public view of the hand-made figures: nultreden 2030 need 20, supply now 3 (suppressed,
    # and with it what derives from it); W1 holds 4 homes (suppressed), 4 urgent placements
    assert cells(page, "years", "nultreden")[:3] == ["nultreden", "2025", "25"]
    assert [c for c in cells(page, "gap", "nultreden")] == ["Wzvdam", "nultreden", "20", "<5",
                                                           "<5"]
    w1 = cells(page, "stapeling", data.w1)
    assert w1[:5] == [data.w1, "Wzvdam", "<5", "<5", "<5"]
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    results = axe_playwright.Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    serious = [v for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], results.generate_report()
    assert problems == []


def test_the_monitoring_dashboard_links_to_the_woonzorgvisie_page(base_url, browser_page):
    page, problems = browser_page
    page.goto(f"{base_url}/")
    page.click("#woonzorgvisie-link")
    page.wait_for_function("document.body.dataset.loaded === '1'", timeout=20_000)
    assert page.url.startswith(f"{base_url}/woonzorgvisie")
    assert page.locator("h1").inner_text().startswith("Woonzorgvisie")
    assert problems == []
