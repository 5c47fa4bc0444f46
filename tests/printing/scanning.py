"""Read generated PDFs back as people will: rasterised like a print, scanned, text extracted."""

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

DPI = 200


def rasterise(pdf: bytes) -> list[Image.Image]:
    """One 200 dpi image per page, through poppler as CI does; missing poppler is a failure."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.fail("pdftoppm not found: install poppler-utils (apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder, "document.pdf")
        source.write_bytes(pdf)
        subprocess.run(
            [pdftoppm, "-r", str(DPI), "-png", str(source), str(Path(folder, "page"))],
            check=True,
        )
        pages = sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))
        return [Image.open(page).convert("L") for page in pages]


def scan(image: Image.Image) -> list[zxingcpp.Result]:
    return list(zxingcpp.read_barcodes(image))


def pdf_text(pdf: bytes) -> list[str]:
    """Extracted text per page, no-break spaces read as plain spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text().replace("\u00a0", " ") for page in reader.pages]


def mm_to_px(millimetres: float) -> float:
    return millimetres * DPI / 25.4
