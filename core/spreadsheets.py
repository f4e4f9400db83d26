"""CSV and XLSX exports that a spreadsheet cannot be tricked into running.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (after any
spaces; or their full-width forms) is read as a formula by Excel, LibreOffice and Sheets: a PO
number synced from an ERP as ``=HYPERLINK("http://evil.example/","Details")`` would become a
live link in the customer's sheet. Following OWASP's CSV-injection guidance, such text is
prefixed with a single quote, and XLSX cells are written as typed values (text as text, never a
formula). Numbers, dates and amounts are written as they are: a credit note's ``-120.00`` stays
a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Excel in East Asian locales takes the full-width ＝ ＋ － ＠ for their ASCII forms, and some
# importers drop leading spaces before they look for a formula: both are escaped too.
_LEADING_SPACES = " \u00a0\u3000"

Cell = str | int | Decimal | date | datetime | bool | None


def safe_text(value: str) -> str:
    """``value`` as a spreadsheet shows it as text, never as a formula."""
    return "'" + value if value.lstrip(_LEADING_SPACES).startswith(FORMULA_STARTS) else value


def _csv_value(value: Cell) -> object:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_text(name) for name in header])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue()


def xlsx_bytes(sheet_name: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)

    def cell(value: Cell) -> WriteOnlyCell:
        if isinstance(value, str):
            typed = WriteOnlyCell(sheet, value=safe_text(value))
            typed.data_type = "s"  # openpyxl would store text starting with "=" as a formula
            return typed
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)  # Excel has no time zones; the export says UTC
        return WriteOnlyCell(sheet, value=value)

    sheet.append([cell(name) for name in header])
    for row in rows:
        sheet.append([cell(value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
