"""The woonzorgvisie page at `/woonzorgvisie` (Dutch): three charts with their tables, the
sources of the figures, and a warning wherever an illustrative dataset shows. Rendered on
the server from the read model in the public view (no token: small counts suppressed)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from string import Template
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, HTMLResponse

from services.monitoring.api.deps import LiveDep, RuntimeDep
from services.monitoring.api.woonzorgvisie_texts import TEXTS
from services.monitoring.service.reports import Disclosure
from services.monitoring.service.woonzorgvisie_reports import dashboard

DASHBOARD = Path(__file__).parent / "dashboard"
router = APIRouter(include_in_schema=False)
_MUNICIPALITY = re.compile(r"^GM\d{4}$")
_PERIOD = re.compile(r"^\d{4}(-H[12])?$")
KIND_LABELS = {"housing-need": "woonbehoefte", "population-forecast": "bevolkingsprognose",
               "need-rates": "behoeftepercentages", "building-programme": "bouwprogramma"}


def _cell(value: Any, marker: str) -> str:
    if value is None:
        return marker
    if isinstance(value, bool):
        return TEXTS["yes"] if value else TEXTS["no"]
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return html.escape(str(value))


def _table(key: str, columns: list[tuple[str, str]], rows: list[dict], marker: str) -> str:
    head = "".join(f'<th scope="col">{html.escape(TEXTS[label])}</th>' for _, label in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(row.get(name), marker)}</td>" for name, _ in columns)
        + "</tr>" for row in rows)
    if not rows:
        body = f'<tr><td colspan="{len(columns)}">{html.escape(TEXTS["no_data"])}</td></tr>'
    return (f'<table id="table-{key}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _template(name: str) -> Template:
    return Template((DASHBOARD / name).read_text(encoding="utf-8"))


def _figure(key: str, title: str, alt: str, csv: str, table: str, is_open: bool) -> str:
    return _template("woonzorgvisie-figure.html").substitute(
        key=key, title=html.escape(title), alt=html.escape(alt), csv=html.escape(csv),
        table=table, open=" open" if is_open else "",
        t_download_csv=html.escape(TEXTS["download_csv"]),
        t_show_table=html.escape(TEXTS["show_table"]))


def _options(values: list[tuple[str, str]], selected: str) -> str:
    return "".join(f'<option value="{html.escape(v)}"{" selected" if v == selected else ""}>'
                   f"{html.escape(label)}</option>" for v, label in values)


def render(page: dict, marker: str, this_year: int) -> str:
    year, period, code = page["year"], page["period"], page["municipality"] or ""
    area = page["municipalities"].get(code, TEXTS["province"]) if code else TEXTS["province"]
    type_label = [dict(r, housingType=TEXTS[r["housingType"]]) for r in page["years"]]
    gap_rows = [dict(r, housingType=TEXTS[r["housingType"]]) for r in page["gap"]]
    flagged = sum(1 for r in page["stapeling"] if r["flagged"])
    where = f"&municipality={code}" if code else ""
    figures = [
        _figure("years", TEXTS["chart_years"], TEXTS["alt_years"].format(area=area),
                f"/v1/housing-gap?format=csv&year={year}{where.replace('municipality', 'area')}",
                _table("years", [("housingType", "housing_type"), ("year", "year"),
                                 ("need", "need"), ("supplyNow", "supply_now"),
                                 ("supplyWithProgramme", "supply_with_programme"),
                                 ("gap", "gap")], type_label, marker), True),
        _figure("gap", TEXTS["chart_gap"].format(year=year),
                TEXTS["alt_gap"].format(year=year, n=len({r["area"] for r in page["gap"]})),
                f"/v1/housing-gap?format=csv&year={year}{where.replace('municipality', 'area')}",
                _table("gap", [("name", "municipality"), ("housingType", "housing_type"),
                               ("need", "need"), ("supplyWithProgramme", "supply_with_programme"),
                               ("gap", "gap")], gap_rows, marker), False),
        _figure("stapeling", TEXTS["chart_stapeling"].format(period=period),
                TEXTS["alt_stapeling"].format(period=period, n=len(page["stapeling"]),
                                              flagged=flagged),
                f"/v1/stapeling?format=csv&period={period}{where}",
                _table("stapeling", [("wijk", "wijk"), ("name", "municipality"),
                                     ("socialStock", "social_stock"),
                                     ("urgentPlacements", "urgent_placements"),
                                     ("careNeedingPlacements", "care_placements"),
                                     ("stockShare", "stock_share"),
                                     ("urgentShare", "urgent_share"),
                                     ("careShare", "care_share"), ("index", "index"),
                                     ("threshold", "threshold"), ("flagged", "flagged")],
                       page["stapeling"], marker), False),
    ]
    sources = "".join(
        "<li>" + html.escape(TEXTS["source_line"].format(
            source=s["source"], kind=KIND_LABELS.get(s["kind"], s["kind"]),
            version=s["version"], org=s["org"]))
        + (f' <strong class="tag">({TEXTS["illustrative_tag"]})</strong>'
           if s["illustrative"] else "") + "</li>" for s in page["sources"]
    ) or f"<li>{html.escape(TEXTS['no_sources'])}</li>"
    banner = (f'  <p class="illustrative" id="illustrative" role="note"><strong>'
              f'{html.escape(TEXTS["illustrative"])}</strong></p>' if page["illustrative"] else "")
    data = {"texts": TEXTS, "years": page["years"], "gap": page["gap"],
            "stapeling": page["stapeling"]}
    t = {f"t_{key}": html.escape(value) for key, value in TEXTS.items()}
    return _template("woonzorgvisie.html").substitute(
        t, banner=banner, figures="\n".join(figures), sources=sources,
        year_options=_options([(str(y), str(y)) for y in range(2024, 2041)], str(year)),
        municipality_options=_options(
            [("", TEXTS["province"])] + sorted(page["municipalities"].items(),
                                               key=lambda item: item[1]), code),
        period_options=_options([(str(y), str(y)) for y in range(2024, this_year + 2)], period),
        data_json=json.dumps(data, ensure_ascii=False).replace("</", "<\\/"),
    )


@router.get("/woonzorgvisie", response_class=HTMLResponse)
def woonzorgvisie_page(
    runtime: RuntimeDep, live: LiveDep,
    year: Annotated[int, Query(ge=2024, le=2040)] = 2030,
    municipality: Annotated[str | None, Query()] = None,
    period: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    this_year = runtime.today().year
    municipality = municipality if municipality and _MUNICIPALITY.fullmatch(municipality) \
        else None
    period = period if period and _PERIOD.fullmatch(period) else str(this_year)
    threshold = runtime.settings.suppression_threshold
    public = Disclosure(exact=False, threshold=threshold)
    page = live.read_woonzorgvisie(lambda m: dashboard(m, year, municipality, period, public))
    return HTMLResponse(render(page, f"&lt;{threshold}", this_year),
                        headers={"Cache-Control": "no-store"})


@router.get("/woonzorgvisie/static/woonzorgvisie.js")
def woonzorgvisie_script() -> FileResponse:
    return FileResponse(DASHBOARD / "woonzorgvisie.js", media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300"})
