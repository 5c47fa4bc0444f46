"""French formatting of amounts, dates and codes: one leaf module for pages, CSV and PDFs.

It imports nothing of the project, so ``printing/`` (which may import nothing else) uses it too.

The no-break space (U+00A0) separates thousands and the euro sign: French typography wants a
narrow one, but the bundled Vera font has no U+202F glyph, and a plain space could wrap "€" alone
onto the next line.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

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


MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def format_moment(moment: datetime) -> str:
    """A date and time as the French say it: 29/11/2026 à 15:48."""
    return moment.strftime("%d/%m/%Y à %H:%M")


def format_month(day: date) -> str:
    """The month of ``day`` in words: août 2026."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def format_number(value: float, decimals: int = 1) -> str:
    """36.5 -> "36,5", 36.0 -> "36", 1234.5 -> "1 234,5" (decimal comma, no useless zero)."""
    text = f"{value:,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return text.rstrip("0").rstrip(",") if "," in text else text


_VOWELS = set("aeiouyàâäéèêëîïôöùûüœæ")


def de(name: str) -> str:
    """ "de" elided before a vowel: de("Avranches") -> "d'Avranches", de("Lessay") -> "de Lessay",
    de("août 2026") -> "d'août 2026"."""
    return f"d'{name}" if name[:1].lower() in _VOWELS else f"de {name}"


_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """What a search or a match compares: lower case, no accents, words split by one space.

    >>> fold("Sainte-Mère-Église") == fold("sainte mere  eglise") == "sainte mere eglise"
    True
    """
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", text).strip()


def sort_key(text: str) -> tuple[str, str]:
    """Key for French alphabetical order in Python (Brécey before Bricquebec): accents folded,
    case ignored, hyphens and apostrophes as spaces; the text itself breaks ties. The SQL
    counterpart is passnum.db.french_sort_key."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.replace("œ", "oe").replace("æ", "ae")
    return folded.translate(str.maketrans("-'’", "   ")), text


def group_code(code: str) -> str:
    """ABCDEFGHJKMNPQR5 -> ABCD-EFGH-JKMN-PQR5, the form people copy by hand."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def format_phone(e164: str) -> str:
    """+33233055550 -> "02 33 05 55 50" (no-break spaces); numbers abroad stay as stored."""
    if e164.startswith("+33") and len(e164) == 12:
        digits = "0" + e164[3:]
        return NBSP.join(digits[i : i + 2] for i in range(0, 10, 2))
    return e164
