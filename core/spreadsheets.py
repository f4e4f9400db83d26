"""CSV and XLSX exports that a spreadsheet cannot be tricked into running.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (after any
spaces; or their full-width forms) is read as a formula by Excel, LibreOffice and Sheets: a PO
number synced from an ERP as ``=HYPERLINK("http://evil.example/","Details")`` would become a
live link in the customer's sheet. Following OWASP's CSV-injection guidance, such text is
prefixed with a single quote, every CSV text cell is quoted (so no split on a separator starts a
new cell), and XLSX cells are written as typed values (text as text, never a formula).
Numbers, dates and amounts are written as they are: a credit note's ``-120.00`` stays a number.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Excel in East Asian locales takes the full-width ＝ ＋ － ＠ for their ASCII forms, and some
# importers drop leading blanks before they look for a formula: any run of spaces, control and
# invisible formatting characters (a byte-order mark, a zero-width space) is looked past too.
_BLANK_CATEGORIES = frozenset(("Zs", "Zl", "Zp", "Cc", "Cf"))
# What XML 1.0, and so an XLSX file, cannot hold (openpyxl refuses the whole file for one).
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Cell = str | int | Decimal | date | datetime | bool | None


def safe_text(value: str) -> str:
    """``value`` as a spreadsheet shows it as text, never as a formula."""
    return "'" + value if _formula_like(value) else value


def _formula_like(value: str) -> bool:
    if value.startswith(FORMULA_STARTS):
        return True
    for character in value:
        if not (character.isspace() or unicodedata.category(character) in _BLANK_CATEGORIES):
            return character in FORMULA_STARTS
    return False


def _csv_value(value: Cell) -> object:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    buffer = io.StringIO()
    # Every text cell quoted: a spreadsheet that splits on ";" (Excel in many European locales)
    # would otherwise read ``x;=1+1`` as two cells, the second a formula. Numbers stay bare.
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([safe_text(name) for name in header])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue()


def xlsx_bytes(sheet_name: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)

    def cell(value: Cell) -> WriteOnlyCell:
        if isinstance(value, str):
            # A control character from the ERP is shown as "�" rather than failing the file.
            typed = WriteOnlyCell(sheet, value=_NOT_IN_XML.sub("\ufffd", safe_text(value)))
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
