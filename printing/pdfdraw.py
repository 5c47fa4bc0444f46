"""Content-stream building blocks for the booklet writer: text, barcodes, QR codes.

Operators are accumulated as ``str`` holding Windows-1252 text decoded as Latin-1, so the whole
page is encoded to bytes in one call at the end.
"""

from printing.code128 import code128_bars
from printing.fonts import BOLD, ENCODING, REGULAR, winansi_font
from printing.qr import qr_path_ops

MM = 72 / 25.4
FONT_KEYS = {REGULAR: "F1", BOLD: "F2"}
ELLIPSIS = "…"


class Content:
    """One content stream being built; coordinates in points, origin bottom left."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def to_bytes(self) -> bytes:
        return "".join(self.parts).encode("latin-1")

    def raw(self, operators: str) -> None:
        self.parts.append(operators)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        right: bool = False,
        max_width: float | None = None,
        gray: float = 0,
    ) -> None:
        """Draw one line from x, or ending at x if ``right``; too long a line ends with "…"."""
        name = BOLD if bold else REGULAR
        font = winansi_font(name)
        encoded = text.encode(ENCODING, errors="replace")
        width = font.width(encoded, size)
        if max_width is not None and width > max_width:
            dots = ELLIPSIS.encode(ENCODING)
            while encoded and font.width(encoded + dots, size) > max_width:
                encoded = encoded[:-1]
            encoded += dots
            width = font.width(encoded, size)
        if right:
            x -= width
        escaped = encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        self.parts.append(
            f"BT {gray:g} g /{FONT_KEYS[name]} {size:g} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm "
            f"({escaped.decode('latin-1')}) Tj ET\n"
        )

    def qr(self, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
        """The symbol (quiet zone excluded) as one path in a ``size``-wide square at (x, y)."""
        scale = size / len(matrix)
        ops = qr_path_ops(matrix).decode("ascii")
        self.parts.append(f"q 0 g {scale:.4f} 0 0 {scale:.4f} {x:.2f} {y:.2f} cm\n{ops}f Q\n")

    def code128(
        self, value: str, x: float, y: float, module: float, height: float, *, right: bool = False
    ) -> None:
        """Bars of ``value`` from (x, y), or ending at x if ``right``; quiet zone excluded."""
        bars, modules = code128_bars(value)
        if right:
            x -= modules * module
        ops = "".join(f"{bx} 0 {bw} 1 re\n" for bx, bw in bars)
        self.parts.append(f"q 0 g {module:.4f} 0 0 {height:.2f} {x:.2f} {y:.2f} cm\n{ops}f Q\n")
