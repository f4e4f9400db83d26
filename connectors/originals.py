"""What makes an ERP's original worth serving: a PDF, by its bytes and by what the source said
it was. An ERP that answers a report route with a login page, an error page or JSON sends bytes a
customer must never download as "the original invoice"."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from connectors.records import Original

# An invoice PDF is tens or hundreds of kilobytes; anything far bigger is not one.
MAX_ORIGINAL_BYTES = 25 * 1024 * 1024
# Generic binary types are what many ERPs put on every download; text, HTML and JSON are not PDFs.
PDF_TYPES = {"application/pdf", "application/x-pdf", "application/octet-stream"}

# pypdf warns about every small defect of a real-world PDF; the check reports what matters.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def pdf_problem(original: Original) -> str | None:
    """Why these bytes are not a PDF to serve, or None when they are one."""
    claimed = (original.content_type or "").split(";")[0].strip().lower()
    if claimed and claimed not in PDF_TYPES:
        return f"the ERP sent {claimed}, not a PDF"
    content = original.content
    if not content:
        return "the ERP sent an empty document"
    if len(content) > MAX_ORIGINAL_BYTES:
        return f"the document is larger than {MAX_ORIGINAL_BYTES // (1024 * 1024)} MiB"
    if not content.startswith(b"%PDF-"):
        return "the document is not a PDF (no %PDF- header)"
    try:
        pages = len(PdfReader(io.BytesIO(content)).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return "the document is not a readable PDF"
    if pages < 1:
        return "the PDF has no pages"
    return None
