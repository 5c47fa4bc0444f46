"""Pass numérique booklets: one A4 page per booklet, streamed, optionally on several cores.

Pages are built as raw content streams (see ``booklet_layout``) and written by our own streaming
writer, so a print run of any size keeps a bounded memory footprint. With ``workers > 1``, worker
processes build and compress chunks of pages while this process writes them in order.
"""

import io
import struct
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from multiprocessing import get_context
from typing import BinaryIO

from printing.booklet_layout import PAGE_SIZE, frame_content, page_content
from printing.fonts import BOLD, REGULAR, winansi_font
from printing.pdfstream import PdfStreamWriter, compress
from printing.qr import qr_matrix

CHUNK_SIZE = 20
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"


@dataclass(frozen=True, slots=True)
class ChequeData:
    code: str  # 16 Crockford base32 symbols, no dashes
    qr_payload: str  # e.g. "https://passnum.example.fr/c/ABCD..."
    position: int  # 1..5, its slot on the page


@dataclass(frozen=True, slots=True)
class BookletData:
    number: str
    funder_name: str
    face_value_cents: int
    # Until when it can be used, worded by the caller (one line each, e.g. the validity and
    # the grace period): printed as given on the cover and on every cheque.
    validity: tuple[str, ...]
    cheques: list[ChequeData]
    operator_phone: str = "02 33 05 55 50"
    # The funder's branding on the cover (PNG or JPEG logo, one-line message), beside the
    # operator's name and the address of the list of places.
    funder_logo: bytes | None = None
    funder_message: str = ""
    operator_name: str = ""
    directory_url: str = ""


@lru_cache(maxsize=16)
def logo_size(image: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG or JPEG logo (read from its header only)."""
    if image[:8] == PNG_SIGNATURE and image[12:16] == b"IHDR":
        width, height = struct.unpack(">II", image[16:24])
        return width, height
    if image[:3] == JPEG_SIGNATURE:
        from PIL import Image  # reportlab depends on Pillow

        try:
            with Image.open(io.BytesIO(image)) as opened:
                return opened.size
        except OSError:
            pass
    raise ValueError("Le logo du financeur doit être une image PNG ou JPEG.")


def _render_page(booklet: BookletData) -> bytes:
    """Compressed content stream of one page; QR matrices computed once per cheque."""
    matrices = [qr_matrix(cheque.qr_payload) for cheque in booklet.cheques]
    logo = logo_size(booklet.funder_logo) if booklet.funder_logo else None
    return compress(page_content(booklet, matrices, logo))


def _render_chunk(chunk: list[BookletData]) -> list[bytes]:
    return [_render_page(booklet) for booklet in chunk]


def _serial_pages(booklets: Iterable[BookletData]) -> Iterator[tuple[BookletData, bytes]]:
    for booklet in booklets:
        yield booklet, _render_page(booklet)


def _parallel_pages(
    booklets: Iterable[BookletData], workers: int
) -> Iterator[tuple[BookletData, bytes]]:
    """Pages in input order; at most two chunks per worker in flight, so memory stays flat."""
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"))
    pending: deque[tuple[list[BookletData], Future[list[bytes]]]] = deque()
    source = iter(booklets)
    try:
        while chunk := list(islice(source, CHUNK_SIZE)):
            pending.append((chunk, pool.submit(_render_chunk, chunk)))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield from zip(done, future.result(), strict=True)
        while pending:
            done, future = pending.popleft()
            yield from zip(done, future.result(), strict=True)
    finally:
        pool.shutdown(cancel_futures=True)


class _BookletDocument:
    """The writer plus what pages share: fonts, the frame form, one image per distinct logo."""

    def __init__(self, out: BinaryIO) -> None:
        self.writer = PdfStreamWriter(out, PAGE_SIZE)
        regular = self.writer.add_font(winansi_font(REGULAR))
        bold = self.writer.add_font(winansi_font(BOLD))
        self._fonts = b"<< /F1 %d 0 R /F2 %d 0 R >>" % (regular, bold)
        self._frame = self.writer.add_form(frame_content(), b"<< /Font %s >>" % self._fonts)
        self._plain = self._resources(b"")
        self._with_logo: dict[bytes, bytes] = {}

    def _resources(self, extra: bytes) -> bytes:
        return b"<< /Font %s /XObject << /Fr %d 0 R %s>> >>" % (self._fonts, self._frame, extra)

    def _logo_resources(self, png: bytes) -> bytes:
        resources = self._with_logo.get(png)
        if resources is None:
            from PIL import Image  # reportlab depends on Pillow; only logos need it here

            with Image.open(io.BytesIO(png)) as image:  # PNG or JPEG, checked by logo_size
                rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, "white")
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image_id = self.writer.add_image(*flat.size, flat.tobytes())
            resources = self._with_logo[png] = self._resources(b"/Lg %d 0 R " % image_id)
        return resources

    def add_page(self, booklet: BookletData, content: bytes) -> None:
        logo = booklet.funder_logo
        resources = self._logo_resources(logo) if logo else self._plain
        self.writer.add_page(content, resources)


def render_booklets(
    booklets: Iterable[BookletData],
    out: BinaryIO,
    *,
    on_progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> int:
    """Write one page per booklet to ``out`` as they are rendered; return the page count.

    ``booklets`` is consumed lazily (a generator over a database cursor is fine) and
    ``on_progress`` receives the number of pages written so far after each page. Workers are
    spawned (not forked: safe beside a web server's threads), so a script calling this with
    ``workers > 1`` needs the usual ``if __name__ == "__main__":`` guard.
    """
    document = _BookletDocument(out)
    pages = _serial_pages(booklets) if workers <= 1 else _parallel_pages(booklets, workers)
    for booklet, content in pages:
        document.add_page(booklet, content)
        if on_progress is not None:
            on_progress(document.writer.page_count)
    return document.writer.close()


def render_booklet(booklet: BookletData) -> bytes:
    """A single booklet as a one-page PDF, e.g. to reprint a damaged one."""
    buffer = io.BytesIO()
    render_booklets([booklet], buffer)
    return buffer.getvalue()
