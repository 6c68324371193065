"""Parse a CSV file of dwellings into import rows (no domain rules here, only parsing).

The columns are the JSON field names plus `bagId`. Separator `,` or `;` (Dutch
spreadsheets write `;`, and then a decimal comma in `monthlyRent` is read as well);
booleans are ja/nee, true/false or 1/0; an empty cell means "not given". UTF-8, with or
without byte-order mark. Rows are numbered from 1 (the header is row 0).
"""

from __future__ import annotations

import csv
import io
import re

from pydantic import ValidationError

from services.registry.api.schemas import DwellingIn
from services.registry.domain.commands import ImportRow
from services.registry.domain.errors import InvalidInput
from services.registry.domain.fairshare import FieldError

MAX_ROWS = 10_000
COLUMNS = ("bagId", "municipality", "rooms", "monthlyRent", "accessibility", "careSuitable",
           "neighbourhood")
REQUIRED = ("bagId", "municipality", "rooms", "monthlyRent", "accessibility")
_BOOLEANS = {"ja": True, "nee": False, "true": True, "false": False, "1": True, "0": False,
             "yes": True, "no": False}
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")


def parse_dwellings_csv(raw: bytes, corporation: str) -> tuple[ImportRow, ...]:
    """Rows with their parse errors; a file that is not a readable table raises InvalidInput."""
    header, delimiter, rows = read_table(raw, COLUMNS, REQUIRED)
    return tuple(_row(number, header, cells, delimiter, corporation) for number, cells in rows)


def read_table(raw: bytes, columns: tuple[str, ...], required: tuple[str, ...]
               ) -> tuple[list[str], str, list[tuple[int, list[str]]]]:
    """The header, the separator and the numbered non-empty rows of a CSV file; a file that
    is not a readable table with these columns raises InvalidInput."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput.of("file", "must be UTF-8 text") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise InvalidInput.of("file", "is empty") from None
    except csv.Error as exc:
        raise InvalidInput.of("file", f"is not valid CSV ({exc})") from None
    _check_header(header, columns, required)
    rows = []
    try:
        for number, cells in enumerate((r for r in reader if any(c.strip() for c in r)), 1):
            if number > MAX_ROWS:
                raise InvalidInput.of("file", f"holds more than {MAX_ROWS} rows")
            rows.append((number, cells))
    except csv.Error as exc:
        raise InvalidInput.of("file", f"is not valid CSV ({exc})") from None
    return header, delimiter, rows


def _check_header(header: list[str], columns: tuple[str, ...],
                  required: tuple[str, ...]) -> None:
    errors = [FieldError(f"header.{name or '(empty)'}", "unknown column")
              for name in header if name not in columns]
    errors += [FieldError(f"header.{name}", "column appears twice")
               for name in sorted({n for n in header if header.count(n) > 1})]
    errors += [FieldError(f"header.{name}", "required column is missing")
               for name in required if name not in header]
    if errors:
        raise InvalidInput(errors)


def _row(number: int, header: list[str], cells: list[str], delimiter: str,
         corporation: str) -> ImportRow:
    if len(cells) != len(header):
        return ImportRow(number, errors=(FieldError(
            "row", f"has {len(cells)} cells where the header has {len(header)}"),))
    document: dict = {}
    errors: list[FieldError] = []
    for name, cell in zip(header, cells):
        value = cell.strip()
        if not value:
            continue
        if name == "careSuitable":
            if value.lower() not in _BOOLEANS:
                errors.append(FieldError(name, "use ja or nee"))
                continue
            document[name] = _BOOLEANS[value.lower()]
        elif name == "monthlyRent" and delimiter == ";" and _DECIMAL_COMMA.fullmatch(value):
            document[name] = value.replace(",", ".")
        else:
            document[name] = value
    bag_id = document.pop("bagId", None)
    if bag_id is None:
        errors.append(FieldError("bagId", "is required"))
    try:
        model = DwellingIn.model_validate(document)
    except ValidationError as exc:
        errors += [FieldError(".".join(str(p) for p in e["loc"]) or "row", e["msg"])
                   for e in exc.errors()]
    if errors:
        raw = {name: cell.strip() for name, cell in zip(header, cells)
               if name in ("bagId", "municipality")}
        return ImportRow(number, errors=tuple(errors), raw=raw)
    return ImportRow(number, dwelling=model.dwelling(bag_id, corporation))
