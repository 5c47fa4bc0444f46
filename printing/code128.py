"""Code 128 bar patterns for the 1D hand scanners ("douchettes") sites already own.

Only code sets B (any printable ASCII) and C (even-length digit strings) are needed: cheque codes
are Crockford base32 and booklet numbers are short printable strings.
"""

from functools import lru_cache

# Bar/space widths in modules for symbol values 0..106 (ISO/IEC 15417, table 1).
_PATTERNS = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 "
    "122132 122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 "
    "321221 312212 322112 322211 212123 212321 232121 111323 131123 131321 112313 132113 132311 "
    "211313 231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 231131 213113 "
    "213311 213131 311123 311321 331121 312113 312311 332111 314111 221411 431111 111224 111422 "
    "121124 121421 141122 141221 112214 112412 122114 122411 142112 142211 241211 221114 413111 "
    "241112 134111 111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 214121 "
    "412121 111143 111341 131141 114113 114311 411113 411311 113141 114131 311141 411131 211412 "
    "211214 211232 2331112"
).split()
_START_B, _START_C, _STOP = 104, 105, 106
QUIET_MODULES = 10


def _symbols(value: str) -> list[int]:
    if value.isdigit() and len(value) % 2 == 0:
        data = [int(value[i : i + 2]) for i in range(0, len(value), 2)]
        start = _START_C
    else:
        if not all(32 <= ord(ch) < 128 for ch in value):
            raise ValueError(f"Code 128 : caractère non imprimable dans {value!r}")
        data = [ord(ch) - 32 for ch in value]
        start = _START_B
    check = (start + sum(i * v for i, v in enumerate(data, 1))) % 103
    return [start, *data, check, _STOP]


@lru_cache(maxsize=128)
def _symbol_bars(symbol: int) -> tuple[tuple[int, int], ...]:
    """(offset, width) of each bar of one symbol, in modules."""
    bars, x = [], 0
    for i, width in enumerate(_PATTERNS[symbol]):
        if i % 2 == 0:
            bars.append((x, int(width)))
        x += int(width)
    return tuple(bars)


def code128_bars(value: str) -> tuple[list[tuple[int, int]], int]:
    """Bars as (x, width) in modules from the left edge of the symbol, and its total width.

    The quiet zones (10 modules each side) are the caller's to keep clear.
    """
    bars: list[tuple[int, int]] = []
    x = 0
    for symbol in _symbols(value):
        bars.extend((x + offset, width) for offset, width in _symbol_bars(symbol))
        x += 13 if symbol == _STOP else 11
    return bars, x
