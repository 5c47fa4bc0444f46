"""The one CSV writer for people: files French Excel opens as they are, and can never run.

French Excel: UTF-8 with a byte-order mark (else accents break), ``;`` between cells (the comma is
the decimal mark), CRLF line ends. Cells are typed: amounts are euros with a decimal comma
(:func:`euros` turns cents into one), dates dd/mm/yyyy, date-times dd/mm/yyyy hh:mm in the
operator's time zone (``passnum.fr.format_timestamp``: Excel sorts them as dates, where the pages'
« 29/11/2026 à 15:48 » would be text), booleans oui/non. Every CSV a person downloads goes
through :func:`csv_bytes` or :func:`csv_chunks`, and a reader round-trips it with
``csv.reader(f, FrenchExcel)``.

Text is never a formula: a text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be run by the spreadsheet (``=HYPERLINK(…)``, ``=cmd|…``), so it gets a single quote in
front, as OWASP recommends ("CSV Injection"); Excel shows the text and runs nothing. Typed cells
(a negative amount, a number) are not text and stay as they are. A file read back in (the
inventory import) takes that quote off again with :func:`read_cell`.

Files with rules of their own (the national open-data file, whose phones begin with ``+33``) do
not use this writer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from litestar import Response
from litestar.response import Stream

from passnum.clock import to_stored
from passnum.fr import format_date, format_timestamp

BOM = "\ufeff"
CSV_MEDIA_TYPE = "text/csv"  # Litestar adds "; charset=utf-8" to every text/* answer
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FrenchExcel(csv.Dialect):
    """Excel as installed in France: semicolons (the comma is the decimal mark), CRLF lines."""

    delimiter = ";"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


csv.register_dialect("excel-fr", FrenchExcel)


def neutralise(text: str) -> str:
    """Text that a spreadsheet would take for a formula, with a quote in front (OWASP)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def read_cell(text: str) -> str:
    """The text a neutralised cell stood for: the inverse of :func:`neutralise`, for imports."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def euros(cents: int | None) -> Decimal:
    """Cents as an amount cell: 1234 → 12,34 in the file."""
    return Decimal(cents or 0) / 100


def cell(value: object) -> str:
    """One value as French Excel expects it typed; text is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return format_timestamp(to_stored(value))  # an aware time in Paris time
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float | Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def csv_line(values: Sequence[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, FrenchExcel).writerow([cell(v) for v in values])
    return buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole small file: BOM, header row, then rows."""
    return (BOM + csv_line(header) + "".join(csv_line(r) for r in rows)).encode("utf-8")


async def csv_chunks(
    header: Sequence[str], pages: AsyncIterator[Sequence[Sequence[object]]]
) -> AsyncIterator[bytes]:
    """A large file streamed page by page (each page is one database round trip)."""
    yield (BOM + csv_line(header)).encode("utf-8")
    async for rows in pages:
        yield "".join(csv_line(r) for r in rows).encode("utf-8")


def attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def csv_response(body: bytes, filename: str) -> Response[bytes]:
    """A whole CSV file (from :func:`csv_bytes`) as a download named ``filename``."""
    return Response(body, media_type=CSV_MEDIA_TYPE, headers=attachment(filename))


def csv_stream(chunks: AsyncIterator[bytes], filename: str) -> Stream:
    """A CSV file streamed as it is written (from :func:`csv_chunks`), named ``filename``."""
    return Stream(chunks, media_type=CSV_MEDIA_TYPE, headers=attachment(filename))
