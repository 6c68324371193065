"""Parse a CSV file of candidates into import rows (no domain rules here, only parsing).

The columns are the JSON field names, with `needs` flattened (`accessibility`, `minRooms`,
`ambulantSupport`, `careProvider`). Separator `,` or `;` (Dutch spreadsheets write `;`);
lists of municipalities are separated by spaces or `|`; booleans are ja/nee, true/false
or 1/0; an empty cell means "not given". UTF-8, with or without byte-order mark.
"""

from __future__ import annotations

import csv
import io
import re

from pydantic import ValidationError

from services.intake.api.schemas import CandidateIn
from services.intake.domain.commands import ImportRow
from services.intake.domain.errors import FieldError, InvalidInput

MAX_ROWS = 5000
NEEDS_COLUMNS = ("accessibility", "minRooms", "ambulantSupport", "careProvider")
LIST_COLUMNS = ("preferredMunicipalities", "excludedMunicipalities")
COLUMNS = ("bsn", "name", "birthYear", "householdSize", "yearlyIncome", "targetGroup",
           "registrationMunicipality", *LIST_COLUMNS, "regionBinding", "availableFrom",
           *NEEDS_COLUMNS)
REQUIRED = ("bsn", "householdSize", "yearlyIncome", "targetGroup", "registrationMunicipality")
_BOOLEANS = {"ja": True, "nee": False, "true": True, "false": False, "1": True, "0": False,
             "yes": True, "no": False}


def parse_candidates_csv(raw: bytes) -> tuple[ImportRow, ...]:
    """Rows with their parse errors; a file that is not a readable table raises InvalidInput."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput([FieldError("file", "must be UTF-8 text")]) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise InvalidInput([FieldError("file", "is empty")]) from None
    _check_header(header)
    rows = []
    try:
        for number, cells in enumerate((r for r in reader if any(c.strip() for c in r)), 1):
            if number > MAX_ROWS:
                raise InvalidInput([FieldError("file", f"holds more than {MAX_ROWS} rows")])
            rows.append(_row(number, header, cells))
    except csv.Error as exc:
        raise InvalidInput([FieldError("file", f"is not valid CSV ({exc})")]) from None
    return tuple(rows)


def _check_header(header: list[str]) -> None:
    errors = [FieldError(f"header.{name or '(empty)'}", "unknown column", "unknown-column")
              for name in header if name not in COLUMNS]
    errors += [FieldError(f"header.{name}", "column appears twice", "duplicate-column")
               for name in sorted({n for n in header if header.count(n) > 1})]
    errors += [FieldError(f"header.{name}", "required column is missing", "missing-column")
               for name in REQUIRED if name not in header]
    if errors:
        raise InvalidInput(errors)


def _row(number: int, header: list[str], cells: list[str]) -> ImportRow:
    if len(cells) != len(header):
        return ImportRow(number, errors=(FieldError(
            "row", f"has {len(cells)} cells where the header has {len(header)}"),))
    document: dict = {}
    needs: dict = {}
    errors: list[FieldError] = []
    for name, cell in zip(header, cells):
        value = cell.strip()
        if not value:
            continue
        if name in LIST_COLUMNS:
            document[name] = [part for part in re.split(r"[\s|]+", value) if part]
        elif name == "ambulantSupport":
            if value.lower() not in _BOOLEANS:
                errors.append(FieldError("needs.ambulantSupport", "use ja or nee"))
                continue
            needs[name] = _BOOLEANS[value.lower()]
        elif name in NEEDS_COLUMNS:
            needs[name] = value
        else:
            document[name] = value
    if needs:
        document["needs"] = needs
    try:
        model = CandidateIn.model_validate(document)
    except ValidationError as exc:
        errors += [FieldError(".".join(str(p) for p in e["loc"]) or "row", e["msg"], e["type"])
                   for e in exc.errors()]
    if errors:
        return ImportRow(number, errors=tuple(errors))
    return ImportRow(number, person=model.person(), situation=model.situation())
