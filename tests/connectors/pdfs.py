"""Small real PDFs for the fakes to serve: one page, the name in its metadata so two differ."""

from __future__ import annotations

import io

from pypdf import PdfWriter


def pdf_bytes(name: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": name})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
