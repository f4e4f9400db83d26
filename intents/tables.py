"""Remittance tables: the column of invoice numbers under a header, in any of the seven languages.

A remittance advice lists what it pays as rows of columns — pipe-separated, tab- or
space-aligned — under a header row such as "Invoice #  Date  Amount", "Rechnungsnummer | Datum |
Betrag" or "N° de facture  Date  Montant". Every cell in the invoice-number column is a reference,
whatever the shape of the number in it; cells of the other columns (dates, amounts, discounts) are
not. Rule rows ("|---|---|") are skipped; a blank line or a line with a single column ends the
table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A column boundary: a pipe (with the spaces around it), a tab, or two spaces or more.
_BOUNDARY = re.compile(r"[ \t]*\|[ \t]*|\t[ \t]*| {2,}")
_RULE_ROW = re.compile(r"^[\s|:+=_-]*$")
_NUMBER_LABEL = re.compile(
    r"(?:(?:n\.?[°º]?\.?|no\.?|nr\.?|num\.?|number|nummer|numéro|número|numero)\s*"
    r"(?:de\s+|di\s+|of\s+|du\s+|da\s+)?(?:la\s+)?)?"
    r"(?:invoice|inv|rechnungs?|beleg|facture|factura|factuur|fattura|fatura|documento?|doc|bill)"
    r"(?:[\s.-]*(?:no\.?|nr\.?|n\.?[°º]\.?|num\.?|number|nummer|#|ref(?:erence)?\.?))?[\s#:.]*",
    re.IGNORECASE,
)
_LABEL_WORD = re.compile(
    r"invoice|inv\b|rechnung|beleg|factur|factuur|fattur|fatura|doc|bill", re.IGNORECASE
)
#: At most this many rows are read under one header.
_MAX_ROWS = 500
#: A cell longer than this is a sentence, not a label or a document number.
_MAX_LABEL = 40


@dataclass(frozen=True, slots=True)
class _Cell:
    start: int
    end: int
    text: str


def _cells(line: str, offset: int) -> list[_Cell]:
    cells = []
    start = 0
    for boundary in _BOUNDARY.finditer(line):
        if boundary.start() > start:
            text = line[start : boundary.start()]
            cells.append(_Cell(offset + start, offset + boundary.start(), text))
        start = boundary.end()
    if start < len(line) and line[start:].strip():
        cells.append(_Cell(offset + start, offset + len(line), line[start:]))
    return [cell for cell in cells if cell.text.strip()]


def invoice_cells(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the cells in an invoice-number column of a table in `text`."""
    if not _LABEL_WORD.search(text):
        return []  # no header can name the column: most messages
    spans: list[tuple[int, int]] = []
    column: int | None = None
    width = 0
    rows = 0
    offset = 0
    for line in text.split("\n"):
        cells = _cells(line, offset)
        offset += len(line) + 1
        if column is not None and _RULE_ROW.match(line) and line.strip():
            continue
        if column is not None and len(cells) >= 2 and rows < _MAX_ROWS:
            index = column if len(cells) == width or column == 0 else None
            if index is not None and index < len(cells):
                cell = cells[index]
                if len(cell.text) <= _MAX_LABEL and any(ch.isdigit() for ch in cell.text):
                    spans.append((cell.start, cell.end))
            rows += 1
            continue
        column = _header_column(cells)
        width = len(cells)
        rows = 0
    return spans


def _header_column(cells: list[_Cell]) -> int | None:
    if len(cells) < 2:
        return None
    for index, cell in enumerate(cells):
        label = cell.text.strip()
        if len(label) <= _MAX_LABEL and _NUMBER_LABEL.fullmatch(label):
            return index
    return None
