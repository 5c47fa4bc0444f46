"""The fonts every document uses: Bitstream Vera, shipped inside reportlab.

Vera has the euro sign, French accents, the no-break space, "—" and "•", all of them inside
Windows-1252, so the booklet writer can embed it as a simple WinAnsi TrueType font (one byte per
character, text extractable by any reader). Parsing a TTF is slow; pretix found that re-creating
fonts per document dominated rendering, hence the caches and the idempotent registration.
"""

import os
from dataclasses import dataclass
from functools import cache

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

REGULAR = "PassnumSans"
BOLD = "PassnumSans-Bold"
ENCODING = "cp1252"
_FILES = {REGULAR: "Vera.ttf", BOLD: "VeraBd.ttf"}


def font_path(name: str) -> str:
    return os.path.join(os.path.dirname(reportlab.__file__), "fonts", _FILES[name])


@cache
def register_fonts() -> None:
    """Register both fonts with reportlab once per process; later calls are free."""
    for name in _FILES:
        pdfmetrics.registerFont(TTFont(name, font_path(name)))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
    )


@dataclass(frozen=True, slots=True)
class WinAnsiFont:
    """What the booklet writer needs to embed a font and measure text without reportlab."""

    base_name: str
    widths: tuple[float, ...]  # per byte 0..255, in 1/1000 of the font size
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int
    stem_v: int
    data: bytes

    def width(self, text: bytes, size: float) -> float:
        return sum(self.widths[b] for b in text) * size / 1000


@cache
def winansi_font(name: str) -> WinAnsiFont:
    path = font_path(name)
    face = TTFontFile(path)
    widths = []
    for code in range(256):
        char = bytes([code]).decode(ENCODING, errors="replace")
        widths.append(face.charWidths.get(ord(char), face.defaultWidth) if code >= 32 else 0)
    with open(path, "rb") as handle:
        data = handle.read()
    return WinAnsiFont(
        base_name=face.name.decode("ascii"),
        widths=tuple(widths),
        bbox=tuple(round(v) for v in face.bbox),
        ascent=round(face.ascent),
        descent=round(face.descent),
        cap_height=round(face.capHeight),
        stem_v=face.stemV,
        data=data,
    )
