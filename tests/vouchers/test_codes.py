"""Cheque codes and booklet numbers survive how people print, type and scan them, and every
single typing slip is caught before any database lookup."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from passnum.errors import DomainError
from vouchers.codes import (
    ALPHABET,
    CODE_LENGTH,
    booklet_number,
    check_symbol,
    format_code,
    is_valid_code,
    new_code,
    parse_booklet_number,
    parse_code,
    qr_payload,
)

bodies = st.text(alphabet=ALPHABET, min_size=CODE_LENGTH - 1, max_size=CODE_LENGTH - 1)
codes = bodies.map(lambda body: body + check_symbol(body))


def test_new_codes_are_16_crockford_symbols_with_a_valid_check():
    for _ in range(200):
        code = new_code()
        assert len(code) == 16 and set(code) <= set(ALPHABET) and is_valid_code(code)
    assert not set("ILOU") & set(ALPHABET)
    assert len({new_code() for _ in range(1000)}) == 1000


@settings(max_examples=300)
@given(code=codes, data=st.data())
def test_every_code_survives_printing_and_typing_variations(code, data):
    shown = format_code(code)
    assert shown.count("-") == 3 and len(shown) == 19
    typed = data.draw(st.sampled_from([shown, shown.replace("-", " "), shown.lower(), code]))
    confusions = {"0": "O", "1": data.draw(st.sampled_from(["I", "L", "i", "l"]))}
    slipped = "".join(
        confusions[c] if c in confusions and data.draw(st.booleans()) else c for c in typed
    )
    padded = f"  {slipped}\t"
    for variant in (typed, slipped, padded, qr_payload(code, "https://passnum.manche.fr")):
        assert parse_code(variant) == code
    assert parse_code(f"http://autre.example/x/c/{shown}?utm=1") == code


@settings(max_examples=300)
@given(code=codes, position=st.integers(0, CODE_LENGTH - 1), data=st.data())
def test_every_single_substitution_is_refused_as_malformed(code, position, data):
    other = data.draw(st.sampled_from([s for s in ALPHABET if s != code[position]]))
    wrong = code[:position] + other + code[position + 1 :]
    with pytest.raises(DomainError) as refused:
        parse_code(wrong)
    assert refused.value.code == "malformed" and refused.value.status_code == 422


@settings(max_examples=300)
@given(code=codes, position=st.integers(0, CODE_LENGTH - 2))
# Swapped, it failed the check as typed but passed once read as a US scanner's A/Q swap.
@example(code="BEABBBBCCEEGZNSA", position=2)
def test_every_adjacent_transposition_is_refused_as_malformed(code, position):
    a, b = code[position], code[position + 1]
    if a == b:
        return
    swapped = code[:position] + b + a + code[position + 2 :]
    with pytest.raises(DomainError, match="mal saisi"):
        parse_code(swapped)


def test_every_transposition_of_every_symbol_pair_is_caught():
    """All 32×32 symbol pairs at every position (Luhn mod 32 would miss 0Z/Z0)."""
    body = new_code()
    for position in range(CODE_LENGTH - 1):
        for a in ALPHABET:
            for b in ALPHABET:
                if a == b:
                    continue
                raw = body[:position] + a + b + body[position + 2 :]
                code = raw[:-1] + check_symbol(raw[:-1]) if position < CODE_LENGTH - 2 else raw
                if not is_valid_code(code):
                    continue
                swapped = (
                    code[:position] + code[position + 1] + code[position] + code[position + 2 :]
                )
                assert not is_valid_code(swapped)


@pytest.mark.parametrize(
    "text", ["", "ABCD", "A" * 17, "ABCD-EFGH-JKMN-PQRU", "https://x/c/", "💥" * 16]
)
def test_garbage_is_malformed(text):
    with pytest.raises(DomainError) as refused:
        parse_code(text)
    assert refused.value.code == "malformed"


def test_booklet_numbers_carry_a_luhn_digit_and_are_read_tolerantly():
    number = booklet_number(1_000_042)
    assert len(number) == 8 and number.startswith("1000042")
    for typed in (number, f"{number[:4]} {number[4:]}", f"n° {number}", f"Carnet n°{number}"):
        assert parse_booklet_number(typed) == number
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    for bad in (wrong, "1234", "abcdefgh"):
        with pytest.raises(DomainError) as refused:
            parse_booklet_number(bad)
        assert refused.value.code == "malformed_number"
