"""A funder's booklets carry its logo (PNG or JPEG) and a one-line message on the cover, beside the
operator's name, its phone number and the address of the list of places; every code still scans."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from printing import render_booklet, render_booklets
from tests.printing.scanning import pdf_text, rasterise, scan

BRANDING = {
    "funder_message": "La CAF vous accompagne dans vos démarches en ligne",
    "operator_name": "Département de la Manche",
    "directory_url": "passnum.example.fr/lieux",
}


def _jpeg_logo(size: tuple[int, int] = (200, 80)) -> bytes:
    logo = Image.new("RGB", size, (0, 90, 160))
    logo.paste((250, 200, 0), (60, 0, 140, 80))
    buffer = io.BytesIO()
    logo.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def test_a_branded_cover_shows_logo_message_operator_phone_and_address_and_codes_scan(
    make_booklet,
) -> None:
    booklet = make_booklet(funder_logo=_jpeg_logo(), funder_name="CAF de la Manche", **BRANDING)
    pdf = render_booklet(booklet)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    [image] = page.images
    assert image.image.size == (200, 80)  # the logo itself, extracted from the PDF
    text = " ".join(" ".join(pdf_text(pdf)).split())
    assert BRANDING["funder_message"] in text
    assert "Département de la Manche" in text and "passnum.example.fr/lieux" in text
    assert booklet.operator_phone in text
    found = scan(rasterise(pdf)[0])
    texts = {r.text for r in found}
    assert all(c.qr_payload in texts for c in booklet.cheques)  # five QR codes
    assert booklet.number.replace("-", "") in {t.replace("-", "") for t in texts}
    assert all(c.code in texts for c in booklet.cheques)  # five Code 128


def test_a_png_and_a_jpeg_logo_each_embedded_once_per_document(make_booklet) -> None:
    png = io.BytesIO()
    Image.new("RGBA", (64, 64), (200, 0, 0, 255)).save(png, format="PNG")
    jpeg = _jpeg_logo()
    booklets = [make_booklet(i, funder_logo=png.getvalue() if i % 2 else jpeg) for i in range(6)]
    buffer = io.BytesIO()
    render_booklets(booklets, buffer)
    assert buffer.getvalue().count(b"/Subtype /Image") == 2


def test_a_logo_that_is_neither_png_nor_jpeg_is_refused_in_french(make_booklet) -> None:
    with pytest.raises(ValueError, match="PNG ou JPEG"):
        render_booklet(make_booklet(funder_logo=b"GIF89a\x01\x00"))
