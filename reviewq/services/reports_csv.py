"""A report table as CSV that a spreadsheet opens safely: a text cell that a spreadsheet
would run as a formula (starting with = + - @, a tab or a carriage return) is prefixed with a
single quote (OWASP, "CSV injection")."""

from __future__ import annotations

import csv
import io
from typing import Any

from .reports import Table

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet may show it: text that would be a formula is quoted;
    numbers, booleans and empty cells are kept as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def to_csv(table: Table) -> str:
    """The table as CSV text: a header row of its columns, then its rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
