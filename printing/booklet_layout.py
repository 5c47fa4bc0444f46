"""Where everything sits on a booklet page (A4 portrait): a cover strip and five cheques.

What never changes between booklets (cut marks, fixed wording) is drawn once per document as a
form XObject (``frame_content``); each page only adds its own variable content (``page_content``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from passnum.fr import format_euros, group_code
from printing.code128 import QUIET_MODULES as BAR_QUIET_MODULES
from printing.pdfdraw import MM, Content
from printing.qr import QUIET_MODULES as QR_QUIET

if TYPE_CHECKING:
    from printing.booklets import BookletData

PAGE_SIZE = (210 * MM, 297 * MM)
WIDTH, HEIGHT = PAGE_SIZE
MARGIN = 8 * MM
COVER = 44 * MM
CHEQUES = 5
CHEQUE_HEIGHT = (HEIGHT - 2 * MARGIN - COVER) / CHEQUES
RIGHT = WIDTH - MARGIN
QR_SIZE = 26 * MM
BAR_MODULE = 0.33 * MM
BAR_QUIET = BAR_QUIET_MODULES * BAR_MODULE
TEXT_X = MARGIN + 38 * MM  # after the QR and its quiet zone, or after the logo on the cover
CHEQUE_TEXT_WIDTH = 78 * MM
VALIDITY_WIDTH = 79 * MM  # a cheque's text, left of its barcode's quiet zone
COVER_TEXT_WIDTH = 120 * MM  # the cover's text, left of the booklet number's barcode
MESSAGE_WIDTH = 96 * MM  # the funder's line, left of the booklet number's barcode
LOGO_BOX = (34 * MM, 30 * MM)
NOT_TRANSFERABLE = "Chèque non cessible — ne peut être échangé contre de l'argent"


def cheque_bottom(slot: int) -> float:
    """Bottom edge of the cheque in slot 1..5, counted from the cover down."""
    return HEIGHT - MARGIN - COVER - slot * CHEQUE_HEIGHT


def frame_content() -> bytes:
    """Cut lines, crop marks and fixed wording, identical on every page."""
    page = Content()
    page.raw("q 0.5 G 0.5 w [3 2] 0 d\n")
    for slot in range(CHEQUES + 1):
        y = cheque_bottom(slot)
        page.raw(f"{MARGIN:.2f} {y:.2f} m {RIGHT:.2f} {y:.2f} l S\n")
    page.raw("[] 0 d\n")
    for y in (cheque_bottom(slot) for slot in range(CHEQUES + 1)):
        page.raw(f"0 {y:.2f} m {MARGIN - 2 * MM:.2f} {y:.2f} l S\n")
        page.raw(f"{WIDTH:.2f} {y:.2f} m {RIGHT + 2 * MM:.2f} {y:.2f} l S\n")
    for x in (MARGIN, RIGHT):
        page.raw(f"{x:.2f} 0 m {x:.2f} {MARGIN - 2 * MM:.2f} l S\n")
        page.raw(f"{x:.2f} {HEIGHT:.2f} m {x:.2f} {HEIGHT - MARGIN + 2 * MM:.2f} l S\n")
    page.raw("Q\n")
    top = HEIGHT - MARGIN
    page.text(TEXT_X, top - 8 * MM, "PASS NUMÉRIQUE", 17, bold=True)
    for slot in range(1, CHEQUES + 1):
        page.text(TEXT_X, cheque_bottom(slot) + 3.5 * MM, NOT_TRANSFERABLE, 7, gray=0.3)
    return page.to_bytes()


def _validity(
    page: Content,
    lines: tuple[str, ...],
    y: float,
    sizes: tuple[float, float],
    step: float,
    width: float = VALIDITY_WIDTH,
) -> None:
    """The validity wording as given: the first line at ``sizes[0]``, the next ones at
    ``sizes[1]``, within ``width`` (left of the barcode and its quiet zone)."""
    for index, line in enumerate(lines):
        size = sizes[0] if index == 0 else sizes[1]
        page.text(TEXT_X, y - index * step, line, size, max_width=width)


def _cover(page: Content, booklet: BookletData, logo_size: tuple[int, int] | None) -> None:
    top = HEIGHT - MARGIN
    if logo_size:
        box_w, box_h = LOGO_BOX
        scale = min(box_w / logo_size[0], box_h / logo_size[1])
        w, h = logo_size[0] * scale, logo_size[1] * scale
        y = top - COVER / 2 - h / 2
        page.raw(f"q {w:.2f} 0 0 {h:.2f} {MARGIN:.2f} {y:.2f} cm /Lg Do Q\n")
    column = RIGHT - TEXT_X - 65 * MM
    value = format_euros(booklet.face_value_cents)
    page.text(TEXT_X, top - 15 * MM, booklet.funder_name, 12, bold=True, max_width=column)
    count = len(booklet.cheques)
    page.text(TEXT_X, top - 21 * MM, f"Carnet de {count} chèques de {value}", 9)
    _validity(page, booklet.validity, top - 25.5 * MM, (9, 8), 4 * MM, COVER_TEXT_WIDTH)
    wide = RIGHT - TEXT_X  # below the booklet number's barcode, the whole width
    if booklet.funder_message:
        page.text(TEXT_X, top - 33.5 * MM, booklet.funder_message, 8, max_width=MESSAGE_WIDTH)
    handed = "À remettre par un prescripteur"
    if booklet.operator_name:
        handed += f" — opérateur : {booklet.operator_name}"
    page.text(TEXT_X, top - 37.5 * MM, handed, 8, max_width=wide)
    where = f"Pour trouver un lieu : {booklet.operator_phone}"
    if booklet.directory_url:
        where += f" ou {booklet.directory_url}"
    page.text(TEXT_X, top - 41.5 * MM, where, 8.5, bold=True, max_width=wide)
    page.text(RIGHT, top - 8 * MM, f"Carnet n° {booklet.number}", 11, bold=True, right=True)
    bars_right = RIGHT - BAR_QUIET
    page.code128(booklet.number, bars_right, top - 32 * MM, BAR_MODULE, 16 * MM, right=True)


def page_content(
    booklet: BookletData, matrices: list[list[list[bool]]], logo_size: tuple[int, int] | None
) -> bytes:
    """The variable part of one booklet page; ``matrices`` are the cheques' QR matrices."""
    page = Content()
    page.raw("/Fr Do\n")
    _cover(page, booklet, logo_size)
    value = format_euros(booklet.face_value_cents)
    count = len(booklet.cheques)
    for cheque, matrix in zip(booklet.cheques, matrices, strict=True):
        y0 = cheque_bottom(cheque.position)
        top = y0 + CHEQUE_HEIGHT
        quiet = QR_QUIET * QR_SIZE / len(matrix)
        page.qr(matrix, MARGIN + quiet, y0 + (CHEQUE_HEIGHT - QR_SIZE) / 2, QR_SIZE)
        page.text(TEXT_X, top - 8 * MM, f"Chèque {cheque.position}/{count}", 11, bold=True)
        page.text(TEXT_X, top - 16 * MM, group_code(cheque.code), 14, bold=True)
        _validity(page, booklet.validity, top - 22 * MM, (8.5, 7), 3.8 * MM)
        funder = f"Financeur : {booklet.funder_name}"
        page.text(TEXT_X, top - 31 * MM, funder, 8.5, max_width=CHEQUE_TEXT_WIDTH)
        page.text(TEXT_X, top - 35 * MM, f"Carnet n° {booklet.number}", 8.5)
        page.text(RIGHT - 2 * MM, top - 12 * MM, value, 22, bold=True, right=True)
        bars_right = RIGHT - BAR_QUIET
        page.code128(cheque.code, bars_right, y0 + 9 * MM, BAR_MODULE, 13 * MM, right=True)
    return page.to_bytes()
