"""French formatting of amounts, dates and codes: one leaf module for pages, CSV and PDFs.

It imports nothing of the project, so ``printing/`` (which may import nothing else) uses it too.

The no-break space (U+00A0) separates thousands and the euro sign: French typography wants a
narrow one, but the bundled Vera font has no U+202F glyph, and a plain space could wrap "€" alone
onto the next line.
"""

from __future__ import annotations

from datetime import date

NBSP = "\u00a0"


def format_euros(cents: int) -> str:
    """1000 -> "10,00 €", 125000 -> "1 250,00 €" (no-break spaces)."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", NBSP)
    return f"{sign}{grouped},{rest:02d}{NBSP}€"


def format_date(day: date) -> str:
    """Dates as the French read them: 01/01/2027."""
    return day.strftime("%d/%m/%Y")


def group_code(code: str) -> str:
    """ABCDEFGHJKMNPQR5 -> ABCD-EFGH-JKMN-PQR5, the form people copy by hand."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
