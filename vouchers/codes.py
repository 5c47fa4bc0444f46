"""Cheque codes and booklet numbers: generated, checked, shown and read back from what people type.

A cheque code is 16 Crockford base32 symbols: 15 random ones from :mod:`secrets` (75 bits) and a
check symbol. The check is a Damm-style quasigroup check over GF(32) (``s' = 2·s ⊕ d``): like Luhn
mod 32 it catches every single substitution, and unlike Luhn mod 32 (which misses ``0Z`` ↔ ``Z0``)
it also catches *every* adjacent transposition, the check symbol included. A code failing it is
refused as ``malformed`` before any database lookup.

A booklet number is 7 digits plus a Luhn check digit, printed as is under its barcode.
"""

from __future__ import annotations

import re
import secrets

from stdnum import luhn

from passnum.errors import DomainError
from vouchers.errors import refuse

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_LENGTH = 16
RANDOM_SYMBOLS = CODE_LENGTH - 1  # 15 × 5 bits = 75 bits of randomness
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_GF32_POLY = 0b100101  # x⁵ + x² + 1, irreducible over GF(2)
# What people type or a scanner sends, mapped to canonical symbols (Crockford's rules).
_TYPING = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.·–—]+")
BOOKLET_DIGITS = 7
# A USB scanner set to a US keyboard layout sends, for each character, the key a US keyboard has
# it on; a computer set to French AZERTY types that key's AZERTY character instead. The keys,
# row by row, unshifted then shifted (AZERTY's dead keys ^ and ¨ left out): what the scanner
# meant (US) and what the computer typed (AZERTY).
_KEYS = (  # (US, AZERTY)
    ("1234567890-=", "&é\"'(-è_çà)="),
    ("!@#$%^&*()_+", "1234567890°+"),
    ("qwertyuiop]", "azertyuiop$"),
    ("QWERTYUIOP", "AZERTYUIOP"),
    ("asdfghjkl;'", "qsdfghjklmù"),
    ('ASDFGHJKL:"', "QSDFGHJKLM%"),
    ("zxcvbnm,./", "wxcvbn,;:!"),
    ("ZXCVBNM<>?", "WXCVBN?./§"),
)
_FROM_AZERTY = str.maketrans("".join(a for _, a in _KEYS), "".join(u for u, _ in _KEYS))
# Characters only such a scanner produces in a code, a booklet number or a cheque URL: digits
# typed as &é"'(-è_çà, "://" as "M!!", "/" as "!", "M" as "?".
_AZERTY_MARKS = set("&é\"'(è_çàù!?§%°")
FIRST_BOOKLET_SERIAL = 1_000_001


def _times_two(value: int) -> int:
    value <<= 1
    return value ^ _GF32_POLY if value & 32 else value


def _fold(symbols: str) -> int:
    state = 0
    for symbol in symbols:
        state = _times_two(state) ^ _VALUE[symbol]
    return state


def check_symbol(body: str) -> str:
    """The symbol that brings the check state of ``body`` + symbol back to zero."""
    return ALPHABET[_times_two(_fold(body))]


def new_code() -> str:
    """A fresh random cheque code (canonical form, no separators)."""
    bits = secrets.randbits(5 * RANDOM_SYMBOLS)
    body = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(RANDOM_SYMBOLS))
    return body + check_symbol(body)


def is_valid_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(c in _VALUE for c in code) and _fold(code) == 0


def format_code(code: str) -> str:
    """ABCDEFGHJKMNPQRS → ABCD-EFGH-JKMN-PQRS, as printed on the cheque."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _after_cheque_path(text: str) -> str:
    """The code part of ``{PUBLIC_URL}/c/{CODE}`` (or any URL ending so), else the text itself."""
    marker = text.rfind("/c/")
    if marker < 0:
        return text
    return re.split(r"[?#]", text[marker + 3 :], maxsplit=1)[0].strip("/")


def us_scanner_on_azerty(text: str) -> str:
    """What a US-layout scanner meant, from what a French AZERTY computer typed (every key)."""
    return text.translate(_FROM_AZERTY)


def _readings(text: str) -> tuple[str, ...]:
    """The readings of the text to try, likelier first: when it holds a character only a
    US-layout scanner on AZERTY produces, that scanner's reading then the text as typed; else the
    text alone. Trying the scanner's reading of a hand-typed code would let one typo in two in 32
    pass the check as another code (A/Q, Z/W and M swapped), so it is tried only on its marks."""
    if _AZERTY_MARKS.intersection(text):
        return (us_scanner_on_azerty(text), text)
    return (text,)


def normalise_code(text: str) -> str:
    """What was typed or scanned, cleaned up: no URL, separators, case or O/I/L confusions."""
    return _SEPARATORS.sub("", _after_cheque_path(text.strip())).upper().translate(_TYPING)


def parse_code(text: str) -> str:
    """The canonical code in ``text``, or the ``malformed`` refusal (no database needed).

    Typed or scanned, on any keyboard: a USB scanner set to a US layout on a French AZERTY
    computer types ``httpsM!!…!c!è…`` for ``https://…/c/7…``; the reading whose check symbol
    holds is the code (the scanner's first when the text holds one of its marks).
    """
    for reading in _readings(text):
        code = normalise_code(reading)
        if is_valid_code(code):
            return code
    raise refuse("malformed")


def qr_payload(code: str, public_url: str) -> str:
    """What the QR holds: the cheque page, so a phone's own camera opens it."""
    return f"{public_url.rstrip('/')}/c/{code}"


def booklet_number(serial: int) -> str:
    """The printed number of the booklet with this serial: 7 digits and a Luhn digit."""
    body = f"{serial:0{BOOKLET_DIGITS}d}"
    return body + luhn.calc_check_digit(body)


def parse_booklet_number(text: str) -> str:
    """The canonical booklet number in ``text`` (spaces, dashes, « n° » tolerated), also as
    typed by a US-layout scanner on a French AZERTY computer (``&àààààç&`` for ``10000091``)."""
    readings = _readings(text)
    for reading in readings[:-1]:
        try:
            return _booklet_number(reading)
        except DomainError:
            continue
    return _booklet_number(readings[-1])


def _booklet_number(text: str) -> str:
    cleaned = re.sub(r"(?i)^\s*(carnet)?\s*(n\s*[°o]?\.?)?\s*", "", text.strip())
    number = _SEPARATORS.sub("", cleaned).upper().translate(_TYPING)
    if not (number.isascii() and number.isdigit() and len(number) == BOOKLET_DIGITS + 1):
        raise refuse("malformed_number")
    if not luhn.is_valid(number):
        raise refuse("malformed_number")
    return number
