"""The dashboard at `/` (a small template), its static files, and `/metrics`.

Everything the page needs is served by this service, plotly's bundled JavaScript included
(from the plotly package), so the dashboard works on a laptop without internet.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template
from typing import Annotated
from urllib.parse import urlencode

import plotly
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from services.monitoring.api.deps import TARGET_GROUPS, RuntimeDep
from services.monitoring.api.texts import LANGUAGES, TEXTS
from shared.contracts.vocabulary import PROVINCE_SCOPE
from shared.problems import Problem

DASHBOARD = Path(__file__).parent / "dashboard"
STATIC = {
    "dashboard.js": (DASHBOARD / "dashboard.js", "text/javascript; charset=utf-8"),
    "dashboard.css": (DASHBOARD / "dashboard.css", "text/css; charset=utf-8"),
    "plotly.min.js": (Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
                      "text/javascript; charset=utf-8"),
}
# (key, API endpoint, title text, chart divs, table open by default)
FIGURES = (
    ("realisation", "realisation", "chart_realisation", ("realisation",), True),
    ("series", "realisation-series", "chart_series", ("series",), False),
    ("flows", "flows", "chart_flows", ("flows",), False),
    ("waits", "waiting-times", "chart_waits", ("waits",), False),
    ("funnel", "proposal-funnel", "chart_funnel", ("funnel", "reasons"), False),
    ("stock", "stock", "chart_stock", ("stock",), False),
    ("households", "active-households", "chart_households", (), True),  # a table only
    ("moves", "origin-destination", "chart_moves", (), True),  # a table only
    ("decisions", "decision-times", "chart_decisions", (), True),  # a table only
)

router = APIRouter(include_in_schema=False)


def _template(name: str) -> Template:
    return Template((DASHBOARD / name).read_text(encoding="utf-8"))


def _escaped(texts: dict[str, str]) -> dict[str, str]:
    return {f"t_{key}": html.escape(value) for key, value in texts.items()}


def render_dashboard(lang: str, period: str, scope: str, group: str, refresh: int,
                     threshold: int) -> str:
    texts = {k: v.replace("{seconds}", str(refresh)) for k, v in TEXTS[lang].items()}
    t = _escaped(texts)
    figure = _template("figure.html")
    figures = []
    for key, endpoint, title, charts, is_open in FIGURES:
        divs = "\n".join(
            f'      <div class="chart" id="chart-{chart}" role="img" '
            f'aria-label="{html.escape(texts["alt_" + chart])}"></div>' for chart in charts)
        figures.append(figure.substitute(t, key=key, endpoint=endpoint, title=t[f"t_{title}"],
                                         charts=divs, open=" open" if is_open else ""))
    groups = [("all", texts["all_groups"])] + [(g, g) for g in TARGET_GROUPS]
    group_options = "".join(
        f'<option value="{html.escape(value)}"{" selected" if value == group else ""}>'
        f"{html.escape(label)}</option>" for value, label in groups)
    other = "en" if lang == "nl" else "nl"
    config = {"lang": lang, "refreshSeconds": refresh, "threshold": threshold,
              "texts": texts}
    return _template("index.html").substitute(
        t, lang=lang, other_lang=other,
        other_href=html.escape("/?" + urlencode(
            {"lang": other, "period": period, "scope": scope, "targetGroup": group})),
        period=html.escape(period), scope=html.escape(scope),
        scope_label=html.escape(texts["province"] if scope == PROVINCE_SCOPE else scope),
        group_options=group_options, figures="\n".join(figures),
        config_json=json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
    )


@router.get("/", response_class=HTMLResponse)
def dashboard(
    runtime: RuntimeDep,
    lang: Annotated[str, Query()] = "nl",
    period: Annotated[str | None, Query()] = None,
    scope: Annotated[str, Query()] = PROVINCE_SCOPE,
    target_group: Annotated[str, Query(alias="targetGroup")] = "all",
) -> HTMLResponse:
    settings = runtime.settings
    page = render_dashboard(
        lang if lang in LANGUAGES else "nl",
        period or str(runtime.today().year), scope[:80],
        target_group if target_group in TARGET_GROUPS else "all",
        settings.dashboard_refresh_seconds, settings.suppression_threshold)
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    if name not in STATIC:
        raise Problem(404, detail=f"no static file {name!r}")
    path, media_type = STATIC[name]
    return FileResponse(path, media_type=media_type,
                        headers={"Cache-Control": "public, max-age=300"})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    body = request.app.state.runtime.metrics.render()
    return Response(body, media_type=CONTENT_TYPE_LATEST)
