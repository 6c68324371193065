"""The dashboard page as served (no browser): Dutch by default, English on request, a label
for every control, a text alternative for every chart, and everything served locally."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from services.monitoring.api.routes_dashboard import FIGURES, STATIC, render_dashboard
from services.monitoring.api.texts import TEXTS


class Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def all(self, tag):
        return [attrs for t, attrs in self.elements if t == tag]


def page(lang="nl", scope="province", group="all") -> tuple[str, Page]:
    text = render_dashboard(lang, "2026", scope, group, 5, 5)
    return text, Page(text)


def test_dutch_by_default_with_a_link_to_english():
    text, parsed = page()
    assert parsed.all("html")[0]["lang"] == "nl"
    assert TEXTS["nl"]["title"] in text
    toggle = [a for a in parsed.all("a") if a.get("id") == "lang-toggle"][0]
    assert toggle["lang"] == "en" and "lang=en" in toggle["href"]


def test_english_page():
    text, parsed = page("en")
    assert parsed.all("html")[0]["lang"] == "en"
    assert TEXTS["en"]["chart_realisation"] in text
    config = json.loads(re.search(r'id="dashboard-config">(.*?)</script>', text).group(1))
    assert config["lang"] == "en" and config["refreshSeconds"] == 5


def test_every_control_has_a_label():
    _, parsed = page()
    labelled = {attrs["for"] for attrs in parsed.all("label")}
    controls = parsed.all("select") + [i for i in parsed.all("input")
                                       if i.get("type") != "hidden"]
    assert controls
    for control in controls:
        assert control["id"] in labelled


def test_every_chart_has_a_text_alternative_and_a_table():
    _, parsed = page()
    charts = [d for d in parsed.all("div") if "chart" == d.get("class")]
    assert len(charts) == sum(len(f[3]) for f in FIGURES)
    for chart in charts:
        assert chart["role"] == "img" and len(chart["aria-label"]) > 20
    tables = [d for d in parsed.all("div") if d.get("class") == "table-wrap"]
    assert len(tables) == len(FIGURES)


def test_no_resource_from_elsewhere():
    _, parsed = page()
    sources = [s.get("src") for s in parsed.all("script") if s.get("src")]
    sources += [link["href"] for link in parsed.all("link")]
    assert "/static/plotly.min.js" in sources
    assert all(s.startswith("/") or s.startswith("data:") for s in sources)


def test_filter_values_are_escaped():
    text, _ = page(scope='x"><script>alert(1)</script>')
    assert "<script>alert(1)" not in text


@pytest.mark.parametrize("name", sorted(STATIC))
def test_static_files_exist(name):
    path, media_type = STATIC[name]
    assert path.is_file() and path.stat().st_size > 0
    if name == "plotly.min.js":
        assert path.stat().st_size > 1_000_000  # the whole bundle, no CDN


def test_the_by_name_figures_and_the_moves_have_a_table_each():
    text, parsed = page()
    tables = {d["id"] for d in parsed.all("div") if d.get("class") == "table-wrap"}
    assert {"table-households", "table-moves"} <= tables
    links = {a["href"] for a in parsed.all("a") if a.get("class") == "csv-link"}
    assert {"/v1/active-households.csv", "/v1/origin-destination.csv"} <= links
    assert TEXTS["nl"]["chart_households"] in text and TEXTS["nl"]["chart_moves"] in text


def test_the_decision_times_have_a_table_with_dutch_caption():
    text, parsed = page()
    assert "table-decisions" in {d["id"] for d in parsed.all("div")
                                 if d.get("class") == "table-wrap"}
    assert "/v1/decision-times.csv" in {a["href"] for a in parsed.all("a")
                                        if a.get("class") == "csv-link"}
    assert TEXTS["nl"]["chart_decisions"] in text
    assert set(TEXTS["nl"]) == set(TEXTS["en"])  # every column has both languages
