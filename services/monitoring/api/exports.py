"""JSON or CSV: content negotiation (`Accept: text/csv`, or a `.csv` path) and CSV writing."""

from __future__ import annotations

import csv
import io
import json
import re

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from services.monitoring.service.reports import Report, ReportFilter

CSV_TYPE = "text/csv; charset=utf-8"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def wants_csv(request: Request) -> bool:
    """True when the Accept header asks for text/csv at least as much as for JSON."""
    csv_q, json_q = 0.0, 0.0
    for part in request.headers.get("accept", "").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media.lower() == "text/csv":
            csv_q = max(csv_q, q)
        elif media.lower() == "application/json":
            json_q = max(json_q, q)
    return csv_q > 0 and csv_q >= json_q


def _cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # no formula injection when the file is opened in a spreadsheet
    return value


def to_csv(rows: list[dict]) -> str:
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


def csv_response(report: Report, f: ReportFilter) -> Response:
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"{report.name}-{f.period}-{f.scope}")
    return Response(to_csv(report.rows), media_type=CSV_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"'})


def json_response(report: Report) -> JSONResponse:
    return JSONResponse(report.document)
