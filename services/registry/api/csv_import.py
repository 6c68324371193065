"""Parse a CSV file of dwellings into import rows (no domain rules here, only parsing).

The columns are the JSON field names plus `bagId`; the file is read by shared.csv_files
(with `;` as separator, a decimal comma in `monthlyRent` is read as well); booleans are
ja/nee, true/false or 1/0; an empty cell means "not given".
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from services.registry.api.schemas import DwellingIn
from services.registry.service.commands import ImportRow
from shared.csv_files import boolean_of, cell_count_error, read_table
from shared.errors import FieldError

MAX_ROWS = 10_000
COLUMNS = ("bagId", "municipality", "rooms", "monthlyRent", "accessibility", "careSuitable",
           "neighbourhood")
REQUIRED = ("bagId", "municipality", "rooms", "monthlyRent", "accessibility")
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")


def parse_dwellings_csv(raw: bytes, corporation: str) -> tuple[ImportRow, ...]:
    """Rows with their parse errors; a file that is not a readable table raises InvalidInput."""
    table = read_table(raw, COLUMNS, REQUIRED, max_rows=MAX_ROWS)
    return tuple(_row(number, table.header, cells, table.delimiter, corporation)
                 for number, cells in table.rows)


def _row(number: int, header: list[str], cells: list[str], delimiter: str,
         corporation: str) -> ImportRow:
    misaligned = cell_count_error(header, cells)
    if misaligned:
        return ImportRow(number, errors=(misaligned,))
    document: dict = {}
    errors: list[FieldError] = []
    for name, cell in zip(header, cells):
        value = cell.strip()
        if not value:
            continue
        if name == "careSuitable":
            if boolean_of(value) is None:
                errors.append(FieldError(name, "use ja or nee"))
                continue
            document[name] = boolean_of(value)
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
