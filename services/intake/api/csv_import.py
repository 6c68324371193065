"""Parse a CSV file of candidates into import rows (no domain rules here, only parsing).

The columns are the JSON field names, with `needs` flattened (`accessibility`, `minRooms`,
`ambulantSupport`, `careProvider`); the file is read by shared.csv_files. Lists of
municipalities are separated by spaces or `|`; booleans are ja/nee, true/false or 1/0; an
empty cell means "not given".
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from services.intake.api.schemas import CandidateIn
from services.intake.domain.errors import FieldError
from services.intake.service.commands import ImportRow
from shared.csv_files import boolean_of, cell_count_error, read_table

MAX_ROWS = 5000
NEEDS_COLUMNS = ("accessibility", "minRooms", "ambulantSupport", "careProvider")
LIST_COLUMNS = ("preferredMunicipalities", "excludedMunicipalities")
COLUMNS = ("bsn", "name", "birthYear", "householdSize", "yearlyIncome", "targetGroup",
           "registrationMunicipality", *LIST_COLUMNS, "regionBinding", "availableFrom",
           *NEEDS_COLUMNS)
REQUIRED = ("bsn", "householdSize", "yearlyIncome", "targetGroup", "registrationMunicipality")


def parse_candidates_csv(raw: bytes) -> tuple[ImportRow, ...]:
    """Rows with their parse errors; a file that is not a readable table raises InvalidInput."""
    table = read_table(raw, COLUMNS, REQUIRED, max_rows=MAX_ROWS)
    return tuple(_row(number, table.header, cells) for number, cells in table.rows)


def _row(number: int, header: list[str], cells: list[str]) -> ImportRow:
    misaligned = cell_count_error(header, cells)
    if misaligned:
        return ImportRow(number, errors=(misaligned,))
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
            if boolean_of(value) is None:
                errors.append(FieldError("needs.ambulantSupport", "use ja or nee"))
                continue
            needs[name] = boolean_of(value)
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
