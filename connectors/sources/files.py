"""CSV and Excel drops: a folder (or one workbook) with a file per record type.

    [sources.example]
    kind = "csv"
    path = "exports"                       # a folder, relative to the sources file
    files = { accounts = "customers*.csv", invoices = "invoices.csv", lines = "lines.csv" }
    # encoding = "cp1252"; delimiter = ";"  — detected when not given
    # workbook = "ar.xlsx"; sheets = { accounts = "Customers", invoices = "Invoices" }

A file name may be a glob: every match is read, oldest name first. Header names are what the
mapping refers to. Rows are labelled ``file:line`` in reports.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from connectors.config import SourceConfig
from connectors.errors import SourceConfigError, SourceError
from connectors.mapped import MappedConnector, Row
from connectors.originals import MAX_ORIGINAL_BYTES
from connectors.records import Original

DELIMITERS = ",;\t|"
SAMPLE_BYTES = 64 * 1024
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) when the bytes are UTF-8, else a best guess."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # the sample cut a character in half
            return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    # Windows exports are the usual non-UTF-8 case; cp1252 decodes every byte but five.
    return best.encoding if best is not None else "cp1252"


def detect_delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_csv(path: Path, encoding: str | None, delimiter: str | None) -> Iterator[tuple[str, Row]]:
    with path.open("rb") as raw:
        sample = raw.read(SAMPLE_BYTES)
    encoding = encoding or detect_encoding(sample)
    if delimiter is None:
        text = sample.decode(encoding, errors="ignore")
        # Sniff on whole lines only: a cut last line confuses the sniffer.
        delimiter = detect_delimiter(text.rsplit("\n", 1)[0] if "\n" in text else text)
    with path.open(newline="", encoding=encoding, errors="strict") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise SourceConfigError(f"{path.name} is not {encoding}: set encoding") from None
        width = len(header)
        name = path.name
        try:
            for values in reader:
                if not values or (len(values) == 1 and not values[0].strip()):
                    continue
                if len(values) != width:
                    # Short or long rows are reported by the mapping as missing fields.
                    values = (values + [""] * width)[:width]
                yield f"{name}:{reader.line_num}", dict(zip(header, values, strict=True))
        except UnicodeDecodeError:
            raise SourceConfigError(
                f"{name} is not {encoding} after line {reader.line_num}: set encoding"
            ) from None
        except csv.Error as exc:
            raise SourceError(f"{name} line {reader.line_num}: {exc}", retryable=False) from None


def read_sheet(path: Path, sheet: str) -> Iterator[tuple[str, Row]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet not in workbook.sheetnames:
            raise SourceConfigError(f"{path.name} has no sheet {sheet!r}")
        rows = workbook[sheet].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        for number, values in enumerate(rows, 2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            yield f"{sheet}:{number}", dict(zip(header, values, strict=False))
    finally:
        workbook.close()


class FileConnector(MappedConnector):
    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config.name, config.mapping())
        self.config = config
        self.folder = config.path("path", ".")
        self.encoding: str | None = config.get("encoding")
        self.delimiter: str | None = config.get("delimiter")
        self.files: dict[str, str] = config.get("files", {})
        self.workbook: str | None = config.get("workbook")
        self.sheets: dict[str, str] = config.get("sheets", {})
        if not self.files and not self.workbook:
            raise SourceConfigError(f"source {config.name!r} needs files or workbook")

    def rows(self, entity: str, since: datetime | None) -> Iterator[tuple[str, Any]]:
        if self.workbook and entity in self.sheets:
            path = self._existing(self.folder / self.workbook)
            yield from read_sheet(path, self.sheets[entity])
            return
        pattern = self.files.get(entity)
        if pattern is None:
            if entity in self.mapping:
                raise SourceConfigError(f"source {self.name!r} maps {entity} but names no file")
            return
        for path in self._matches(pattern):
            if path.suffix.lower() in EXCEL_SUFFIXES:
                yield from read_sheet(path, self.sheets.get(entity, entity))
            else:
                yield from read_csv(path, self.encoding, self.delimiter)

    def volume_hint(self) -> int:
        if self.workbook:
            path = self.folder / self.workbook
            return path.stat().st_size if path.is_file() else 0
        total = 0
        for entity, pattern in self.files.items():
            if entity in self.mapping:
                with contextlib.suppress(SourceError):
                    total += sum(path.stat().st_size for path in self._matches(pattern))
        return total

    def _matches(self, pattern: str) -> list[Path]:
        if any(c in pattern for c in "*?["):
            found = sorted(self.folder.glob(pattern))
            if not found:
                raise SourceError(f"no file matches {pattern} in {self.folder}")
            return found
        return [self._existing(self.folder / pattern)]

    @staticmethod
    def _existing(path: Path) -> Path:
        if not path.is_file():
            raise SourceError(f"{path} does not exist")
        return path

    def has_documents(self) -> bool:
        return bool(self.config.get("documents"))

    def document(self, invoice) -> Original | None:
        """An original PDF dropped beside the files: ``documents = "pdf/{number}.pdf"``."""
        template = self.config.get("documents")
        if not template:
            return None
        path = (
            self.folder / template.format(number=invoice.number, erp_id=invoice.erp_id)
        ).resolve()
        if not path.is_relative_to(self.folder):  # an invoice number never leads out of the drop
            return None
        if not path.is_file():
            return None
        with path.open("rb") as file:  # one byte past the bound is enough to refuse it
            return Original(file.read(MAX_ORIGINAL_BYTES + 1))


def connect(config: SourceConfig) -> FileConnector:
    return FileConnector(config)
