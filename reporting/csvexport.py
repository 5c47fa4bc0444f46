"""CSV that French Excel opens as is: UTF-8 with BOM, ``;`` separator, decimal comma, dd/mm/yyyy.

Every CSV export of passnum goes through :func:`csv_bytes` / :func:`csv_chunks` with the
:class:`FrenchExcel` dialect, so a reader can round-trip it with ``csv.reader(f, FrenchExcel)``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

BOM = "\ufeff"


class FrenchExcel(csv.Dialect):
    """Excel as installed in France: semicolons (the comma is the decimal mark), CRLF lines."""

    delimiter = ";"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


csv.register_dialect("excel-fr", FrenchExcel)


def cell(value: object) -> str:
    """One value as French Excel expects it to be typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float | Decimal):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def euros(cents: int | None) -> str:
    """Cents as a French decimal amount, e.g. 1234 → "12,34"."""
    return cell(Decimal(cents or 0) / 100)


def csv_line(values: Sequence[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, FrenchExcel).writerow([cell(v) for v in values])
    return buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole small file: BOM, header row, then rows."""
    return (BOM + csv_line(header) + "".join(csv_line(r) for r in rows)).encode("utf-8")


async def csv_chunks(
    header: Sequence[str], pages: AsyncIterator[list[Sequence[object]]]
) -> AsyncIterator[bytes]:
    """A large file streamed page by page (each page is one database round trip)."""
    yield (BOM + csv_line(header)).encode("utf-8")
    async for rows in pages:
        yield "".join(csv_line(r) for r in rows).encode("utf-8")


def attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
