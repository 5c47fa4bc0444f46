"""Asset label sheets, on standard A4 label sheets. Each sticker carries the QR code (phones open
the item page), the asset tag in Code 128 (hand scanners type it), the tag in letters, and the
operator's name and phone number for whoever finds the device.

Sheet geometry is data (``SHEET_FORMATS``): supporting another label stock means adding one
``SheetFormat`` entry. ``start_position`` lets a partly used sheet go back into the printer.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from printing.code128 import QUIET_MODULES as BAR_QUIET_MODULES
from printing.code128 import code128_bars
from printing.documents import draw_qr
from printing.fonts import BOLD, REGULAR, register_fonts

PADDING = 3 * mm
BAR_HEIGHT = 8 * mm
MAX_BAR_MODULE = 0.5 * mm


@dataclass(frozen=True, slots=True)
class LabelData:
    asset_tag: str
    qr_payload: str
    operator_name: str = "Département"
    operator_phone: str = ""


@dataclass(frozen=True, slots=True)
class SheetFormat:
    """Label stock geometry in millimetres; positions count left to right, then top to bottom."""

    page_width: float
    page_height: float
    columns: int
    rows: int
    label_width: float
    label_height: float
    left: float
    top: float
    gap_x: float = 0
    gap_y: float = 0

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def origin(self, slot: int) -> tuple[float, float]:
        """Bottom-left corner, in points, of the label in ``slot`` (0-based)."""
        row, column = divmod(slot, self.columns)
        x = self.left + column * (self.label_width + self.gap_x)
        y = self.page_height - self.top - (row + 1) * self.label_height - row * self.gap_y
        return x * mm, y * mm


SHEET_FORMATS: dict[str, SheetFormat] = {
    "a4-3x8-70x37": SheetFormat(210, 297, 3, 8, 70, 37, left=0, top=0.5),
}


def _draw_code128(canvas: Canvas, value: str, x: float, y: float, width: float) -> None:
    """Bars centred in ``width`` (quiet zones included), modules as wide as the room allows."""
    bars, modules = code128_bars(value)
    module = min(MAX_BAR_MODULE, width / (modules + 2 * BAR_QUIET_MODULES))
    left = x + (width - modules * module) / 2
    path = canvas.beginPath()
    for bar_x, bar_width in bars:
        path.rect(left + bar_x * module, y, bar_width * module, BAR_HEIGHT)
    canvas.drawPath(path, stroke=0, fill=1)


def _draw_label(canvas: Canvas, label: LabelData, x: float, y: float, sheet: SheetFormat) -> None:
    height = sheet.label_height * mm
    width = sheet.label_width * mm
    _draw_code128(canvas, label.asset_tag, x + PADDING, y + PADDING, width - 2 * PADDING)
    box = height - 2 * PADDING - BAR_HEIGHT - 1 * mm
    top = y + PADDING + BAR_HEIGHT + 1 * mm
    draw_qr(canvas, label.qr_payload, x + PADDING, top, box)
    text_x = x + 2 * PADDING + box
    text_width = width - box - 3 * PADDING
    line_y = top + box - 5 * mm
    for line in simpleSplit(label.asset_tag, BOLD, 11, text_width):
        canvas.setFont(BOLD, 11)
        canvas.drawString(text_x, line_y, line)
        line_y -= 13
    canvas.setFont(REGULAR, 7)
    lines = [f"Propriété : {label.operator_name}"]
    if label.operator_phone:
        lines.append(f"Trouvé ? Tél. {label.operator_phone}")
    for text in lines:
        for line in simpleSplit(text, REGULAR, 7, text_width):
            canvas.drawString(text_x, line_y, line)
            line_y -= 8.5


def render_label_sheet(
    labels: Iterable[LabelData], sheet_format: str = "a4-3x8-70x37", start_position: int = 1
) -> bytes:
    """Labels in sheet order from ``start_position`` (1-based); extra labels go on new sheets."""
    sheet = SHEET_FORMATS[sheet_format]
    if not 1 <= start_position <= sheet.per_sheet:
        raise ValueError(f"Position de départ entre 1 et {sheet.per_sheet}.")
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(sheet.page_width * mm, sheet.page_height * mm))
    canvas.setTitle("Étiquettes d'inventaire")
    slot = start_position - 1
    for label in labels:
        if slot == sheet.per_sheet:
            canvas.showPage()
            slot = 0
        _draw_label(canvas, label, *sheet.origin(slot), sheet)
        slot += 1
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
