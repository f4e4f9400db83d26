"""Reading payment codes back: a PDF page drawn by poppler, the QR code decoded by zxing-cpp."""

from __future__ import annotations

import base64
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image

from tests.support.services import missing


def page_codes(pdf: bytes, page: int = 1, dpi: int = 200) -> list[str]:
    """The text of every QR code on ``page`` (1-based) of ``pdf``."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(pdf)
        try:
            subprocess.run(
                ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page),
                 "-singlefile", str(source), str(Path(folder) / "page")],
                check=True, capture_output=True,
            )  # fmt: skip
        except FileNotFoundError:
            missing("poppler's pdftoppm", "apt-get install poppler-utils")
        image = Image.open(Path(folder) / "page.png").convert("L")
        image.load()
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in found]


def svg_codes(svg: str) -> list[str]:
    """The QR codes in an SVG as printed: drawn into a PDF by WeasyPrint, then scanned."""
    from weasyprint import HTML

    uri = f"data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}"
    pdf = HTML(string=f'<img src="{uri}" style="width: 180mm">').write_pdf()
    return page_codes(pdf)
