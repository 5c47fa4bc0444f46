"""Shared reportlab (platypus) pieces for the office documents: slips, labels, statements.

These are printed one at a time, so clarity wins over speed here; QR codes still go through
``printing.qr`` and are drawn as one path.
"""

import io
from collections.abc import Callable
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from printing.fonts import BOLD, REGULAR, register_fonts
from printing.qr import QUIET_MODULES, dark_runs, qr_matrix

PageCallback = Callable[[Canvas, SimpleDocTemplate], None]


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("corps", fontName=REGULAR, fontSize=9, leading=12)
    return {
        "body": body,
        "cell": ParagraphStyle("cellule", parent=body, fontSize=8, leading=10),
        "title": ParagraphStyle("titre", parent=body, fontName=BOLD, fontSize=17, leading=21),
        "heading": ParagraphStyle(
            "intertitre", parent=body, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8
        ),
    }


def table_style(*, total_row: bool = False) -> TableStyle:
    """Header row in bold on grey, thin grid; optionally a bold last (total) row."""
    commands = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 8),
        ("FONT", (0, 0), (-1, 0), BOLD, 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if total_row:
        commands.append(("FONT", (0, -1), (-1, -1), BOLD, 8))
    return TableStyle(commands)


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, box: float) -> None:
    """QR code with its 4-module quiet zone inside the ``box``-wide square at (x, y)."""
    matrix = qr_matrix(payload)
    module = box / (len(matrix) + 2 * QUIET_MODULES)
    origin = QUIET_MODULES * module
    path = canvas.beginPath()
    for col, row, length in dark_runs(matrix):
        path.rect(x + origin + col * module, y + origin + row * module, length * module, module)
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class QrFlowable(Flowable):
    """A QR code (quiet zone included) as a platypus flowable."""

    def __init__(self, payload: str, box: float = 30 * mm) -> None:
        super().__init__()
        self.payload = payload
        self.width = self.height = box

    def draw(self) -> None:
        draw_qr(self.canv, self.payload, 0, 0, self.width)


def signature_block(lines: list[str], label: str = "Signature et cachet") -> Flowable:
    """The signatory's lines, then a framed empty box to sign and stamp in, kept together."""
    box = Table([[label], [""]], colWidths=[80 * mm], rowHeights=[6 * mm, 28 * mm])
    box.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, 8),
                ("BOX", (0, 0), (-1, -1), 0.6, colors.grey),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.HexColor("#444444")),
            ]
        )
    )
    text = [Paragraph(escape(line), styles()["body"]) for line in lines]
    return KeepTogether([Spacer(1, 6 * mm), *text, Spacer(1, 3 * mm), box])


def build_pdf(story: list[Flowable], *, title: str, on_page: PageCallback) -> bytes:
    """Lay out an A4 document with 15 mm margins and the same callback on every page."""
    styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        subject=title,  # reportlab's default is « (unspecified) », shown in the reader's properties
        creator="Pass numériques",
        author="Département",
        lang="fr-FR",
    )
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def footer(text: str) -> PageCallback:
    """A page callback writing ``text — page n`` at the bottom of each page."""

    def draw(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(15 * mm, 10 * mm, f"{text} — page {document.page}")
        canvas.restoreState()

    return draw
