"""Reading the CSV files that organisations upload (dwellings, candidates, woonzorgvisie
figures): one reader for every service, so every import accepts the same files.

Separator `,` or `;` (Dutch spreadsheets write `;`); UTF-8, with or without byte-order mark;
empty rows are skipped; rows are numbered from 1 (the header is row 0). A file that is not a
readable table with the expected columns raises `InvalidInput` naming the file or header;
errors inside a row are the importing service's to collect (`RowError`s).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from shared.errors import FieldError, InvalidInput

BOOLEANS = {"ja": True, "nee": False, "true": True, "false": False, "1": True, "0": False,
            "yes": True, "no": False}


@dataclass(frozen=True)
class Table:
    header: list[str]
    delimiter: str
    rows: list[tuple[int, list[str]]]  # (row number, cells) of the non-empty rows


def read_table(raw: bytes, columns: tuple[str, ...], required: tuple[str, ...], *,
               max_rows: int) -> Table:
    """The header, the separator and the numbered non-empty rows of a CSV file."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput.of("file", "must be UTF-8 text") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip() for cell in next(reader)]
        check_header(header, columns, required)
        rows = []
        for number, cells in enumerate((r for r in reader if any(c.strip() for c in r)), 1):
            if number > max_rows:
                raise InvalidInput.of("file", f"holds more than {max_rows} rows")
            rows.append((number, cells))
    except StopIteration:
        raise InvalidInput.of("file", "is empty") from None
    except csv.Error as exc:
        raise InvalidInput.of("file", f"is not valid CSV ({exc})") from None
    return Table(header, delimiter, rows)


def check_header(header: list[str], columns: tuple[str, ...],
                 required: tuple[str, ...]) -> None:
    errors = [FieldError(f"header.{name or '(empty)'}", "unknown column", "unknown-column")
              for name in header if name not in columns]
    errors += [FieldError(f"header.{name}", "column appears twice", "duplicate-column")
               for name in sorted({n for n in header if header.count(n) > 1})]
    errors += [FieldError(f"header.{name}", "required column is missing", "missing-column")
               for name in required if name not in header]
    if errors:
        raise InvalidInput(errors)


def cell_count_error(header: list[str], cells: list[str]) -> FieldError | None:
    """A row whose cells do not line up with the header cannot be read field by field."""
    if len(cells) == len(header):
        return None
    return FieldError("row", f"has {len(cells)} cells where the header has {len(header)}")


def boolean_of(value: str) -> bool | None:
    """ja/nee, true/false, yes/no or 1/0; None for anything else."""
    return BOOLEANS.get(value.lower())
