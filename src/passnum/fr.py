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


def parse_date(text: str) -> date:
    """A day as a form sends it: ISO from ``<input type=date>`` (2026-10-01), or typed by hand
    where there is no date picker (01/10/2026). ValueError if it is neither."""
    text = text.strip()
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


def format_moment(moment: datetime) -> str:
    """A date and time as the French say it: 29/11/2026 à 15:48."""
    return moment.strftime("%d/%m/%Y à %H:%M")


def format_timestamp(moment: datetime) -> str:
    """A date and time as a spreadsheet cell: 29/11/2026 15:48. French Excel reads it as a date
    and time it can sort and filter (« 29/11/2026 à 15:48 », what pages say, would be text)."""
    return moment.strftime("%d/%m/%Y %H:%M")


def format_time(moment: datetime) -> str:
    """The time of day alone: 15:48 (24 hours)."""
    return moment.strftime("%H:%M")


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


# Latin letters NFKD leaves whole (no accent to strip), with the letters a French reader sees.
_WHOLE_LETTERS = {
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
    "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ł": "l", "Ł": "l",
    "ħ": "h", "Ħ": "h", "ı": "i", "ŧ": "t", "Ŧ": "t", "ŀ": "l", "Ŀ": "l", "ĸ": "k", "ŉ": "n",
    "ƀ": "b", "ƚ": "l", "ɨ": "i", "ʉ": "u",
}  # fmt: skip
# Where fold looks beyond ASCII: Latin-1, Latin Extended-A and -B, the combining accents (a name
# typed decomposed), Latin Extended Additional (Vietnamese, Welsh…) and the ligatures ﬁ, ﬂ…
_LATIN_BLOCKS = ((0x00C0, 0x024F), (0x0300, 0x036F), (0x1E00, 0x1EFF), (0xFB00, 0xFB06))
_WORD = re.compile(r"[a-z0-9]+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _fold_table() -> dict[str, str]:
    table = {chr(c): chr(c).lower() for c in range(ord("A"), ord("Z") + 1)}
    for first, last in _LATIN_BLOCKS:
        for char in map(chr, range(first, last + 1)):
            if unicodedata.combining(char):
                table[char] = ""
                continue
            plain = _WHOLE_LETTERS.get(char) or "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            if plain != char and _WORD.fullmatch(plain.lower()):
                table[char] = plain.lower()
    return table


FOLDS: dict[str, str] = _fold_table()
"""Each character fold changes, and what it becomes (ASCII letters or digits; "" for a combining
accent). Every other character that is not a-z or 0-9 separates words. Both databases' sort key
(passnum.db.french_sort_key) is built from this one table."""
_FOLD = str.maketrans(FOLDS)


def fold(text: str) -> str:
    """What a search, a match or French alphabetical order compares: lower case, no accents
    (œ as oe, ß as ss), words split by one space (hyphens and apostrophes included).

    >>> fold("Sainte-Mère-Église") == fold("sainte mere  eglise") == "sainte mere eglise"
    True
    """
    return _NOT_WORD.sub(" ", text.translate(_FOLD)).strip()


def sort_key(text: str) -> tuple[str, str]:
    """Key for French alphabetical order in Python (Brécey before Bricquebec): :func:`fold`, the
    text itself breaking ties. The SQL counterpart is passnum.db.french_sort_key (same order)."""
    return fold(text), text


def group_code(code: str) -> str:
    """ABCDEFGHJKMNPQR5 -> ABCD-EFGH-JKMN-PQR5, the form people copy by hand."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# Country codes of France and of its overseas departments, whose numbers are written 0 + 9 digits.
_FRENCH_CALLING_CODES = ("+33", "+590", "+594", "+262", "+596", "+269")


def format_phone(e164: str) -> str:
    """+33233055550 -> "02 33 05 55 50", +590590123456 -> "05 90 12 34 56" (no-break spaces);
    numbers abroad stay as stored."""
    for code in _FRENCH_CALLING_CODES:
        if e164.startswith(code) and len(e164) == len(code) + 9 and e164[1:].isdigit():
            digits = "0" + e164[len(code) :]
            return NBSP.join(digits[i : i + 2] for i in range(0, 10, 2))
    return e164


def format_iban(iban: str) -> str:
    """FR7630006000011234567890189 -> "FR76 3000 6000 0112 3456 7890 189" (groups of four, as on
    a RIB)."""
    compact = iban.replace(" ", "").upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def mask_iban(iban: str) -> str:
    """An IBAN as shown to everyone but the operator's staff: its country and check digits and
    its last four characters, the rest as stars ("FR76 **** **** **** **** ***0 189").

    The one masking of bank details: pages, API answers, statements and their PDF/CSV use it.
    """
    compact = iban.replace(" ", "").upper()
    if not compact:
        return ""
    hidden = compact[:4] + "*" * max(len(compact) - 8, 0) + compact[-4:]
    return " ".join(hidden[i : i + 4] for i in range(0, len(hidden), 4))
