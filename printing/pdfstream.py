"""A minimal PDF writer that streams pages to a binary file as they come.

reportlab keeps every page of a document in memory until ``save()``; a 10,000-booklet print run
would then need hundreds of megabytes. Here each page is written as soon as it is ready, and only
the byte offset of each object is kept (8 bytes per object) for the cross-reference table.
Content streams arrive already built (and compressed) by worker processes.
"""

import zlib
from array import array
from typing import BinaryIO

from printing.fonts import WinAnsiFont

COMPRESS_LEVEL = 6


def compress(data: bytes) -> bytes:
    return zlib.compress(data, COMPRESS_LEVEL)


class PdfStreamWriter:
    """Writes objects in arrival order; the page tree and catalogue go last, at ``close()``."""

    def __init__(self, out: BinaryIO, page_size: tuple[float, float]) -> None:
        self._out = out
        self._position = 0
        self._offsets = array("Q")
        self._pages = array("L")
        self._media_box = b"[0 0 %.2f %.2f]" % page_size
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self._catalog = self.reserve()
        self._page_tree = self.reserve()

    @property
    def page_count(self) -> int:
        return len(self._pages)

    def reserve(self) -> int:
        self._offsets.append(0)
        return len(self._offsets)

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._position += len(data)

    def write_object(self, number: int, body: bytes) -> None:
        self._offsets[number - 1] = self._position
        self._write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def write_stream(self, number: int, data: bytes, entries: bytes = b"") -> None:
        """Write an already compressed (FlateDecode) stream object."""
        self._offsets[number - 1] = self._position
        head = b"%d 0 obj\n<< /Length %d /Filter /FlateDecode %s>>\nstream\n"
        self._write(head % (number, len(data), entries))
        self._write(data)
        self._write(b"\nendstream\nendobj\n")

    def add_stream(self, data: bytes, entries: bytes = b"") -> int:
        number = self.reserve()
        self.write_stream(number, data, entries)
        return number

    def add_font(self, font: WinAnsiFont) -> int:
        """Embed the whole TrueType file once; WinAnsi encoding keeps text extractable."""
        file_ = self.add_stream(compress(font.data), b"/Length1 %d " % len(font.data))
        name = font.base_name.encode("ascii")
        descriptor = self.reserve()
        self.write_object(
            descriptor,
            b"<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [%d %d %d %d] "
            b"/ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV %d /FontFile2 %d 0 R >>"
            % (name, *font.bbox, font.ascent, font.descent, font.cap_height, font.stem_v, file_),
        )
        widths = b" ".join(b"%d" % round(w) for w in font.widths[32:])
        number = self.reserve()
        self.write_object(
            number,
            b"<< /Type /Font /Subtype /TrueType /BaseFont /%s /FirstChar 32 /LastChar 255 "
            b"/Widths [%s] /Encoding /WinAnsiEncoding /FontDescriptor %d 0 R >>"
            % (name, widths, descriptor),
        )
        return number

    def add_image(self, width: int, height: int, rgb: bytes) -> int:
        entries = b"/Type /XObject /Subtype /Image /Width %d /Height %d " % (width, height)
        entries += b"/ColorSpace /DeviceRGB /BitsPerComponent 8 "
        return self.add_stream(compress(rgb), entries)

    def add_form(self, content: bytes, resources: bytes) -> int:
        entries = b"/Type /XObject /Subtype /Form /BBox %s /Resources %s " % (
            self._media_box,
            resources,
        )
        return self.add_stream(compress(content), entries)

    def add_page(self, compressed_content: bytes, resources: bytes) -> None:
        content = self.add_stream(compressed_content)
        page = self.reserve()
        self.write_object(
            page,
            b"<< /Type /Page /Parent %d 0 R /MediaBox %s /Resources %s /Contents %d 0 R >>"
            % (self._page_tree, self._media_box, resources, content),
        )
        self._pages.append(page)

    def close(self) -> int:
        """Write the page tree, catalogue, cross-reference table and trailer; return page count."""
        self._offsets[self._page_tree - 1] = self._position
        self._write(
            b"%d 0 obj\n<< /Type /Pages /Count %d /Kids [" % (self._page_tree, len(self._pages))
        )
        for start in range(0, len(self._pages), 1000):
            self._write(b"".join(b"%d 0 R " % p for p in self._pages[start : start + 1000]))
        self._write(b"] >>\nendobj\n")
        self.write_object(self._catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % self._page_tree)
        info = self.reserve()
        self.write_object(info, b"<< /Producer (passnum) >>")
        xref = self._position
        self._write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(self._offsets) + 1))
        for start in range(0, len(self._offsets), 1000):
            chunk = self._offsets[start : start + 1000]
            self._write(b"".join(b"%010d 00000 n \n" % offset for offset in chunk))
        self._write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(self._offsets) + 1, self._catalog, info, xref)
        )
        return len(self._pages)
