"""Amounts and dates are printed the way French readers expect."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passnum.fr import (
    de,
    format_date,
    format_euros,
    format_moment,
    format_month,
    format_number,
    group_code,
    sort_key,
)
from printing.fonts import BOLD, REGULAR, winansi_font


@pytest.mark.parametrize(
    ("cents", "printed"),
    [
        (1000, "10,00\u00a0€"),
        (5, "0,05\u00a0€"),
        (125000, "1\u00a0250,00\u00a0€"),
        (123456789, "1\u00a0234\u00a0567,89\u00a0€"),
        (-1050, "-10,50\u00a0€"),
    ],
)
def test_euros_use_a_decimal_comma_and_no_break_spaces(cents: int, printed: str) -> None:
    assert format_euros(cents) == printed


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_any_amount_reads_back_to_the_same_cents(cents: int) -> None:
    number = format_euros(cents).removesuffix("\u00a0€").replace("\u00a0", "").replace(",", "")
    assert int(number) == cents


def test_dates_are_day_month_year() -> None:
    assert format_date(date(2027, 1, 5)) == "05/01/2027"


def test_cheque_codes_are_shown_in_four_groups_of_four() -> None:
    assert group_code("ABCDEFGHJKMNPQR5") == "ABCD-EFGH-JKMN-PQR5"


@pytest.mark.parametrize("font", [REGULAR, BOLD])
def test_printed_fonts_have_the_euro_sign_accents_and_no_break_space(font: str) -> None:
    widths = winansi_font(font).widths
    for char in "€éèêàâçùÉÈÀÇ—•…\u00a0":
        assert widths[char.encode("cp1252")[0]] > 0, char


def test_numbers_months_and_moments_read_as_in_french() -> None:
    assert format_number(36.5) == "36,5" and format_number(36.0) == "36"
    assert format_number(1234.5) == "1\u00a0234,5"
    assert format_month(date(2026, 8, 14)) == "août 2026"
    assert format_moment(datetime(2026, 11, 29, 15, 48)) == "29/11/2026 à 15:48"


def test_de_is_elided_before_a_vowel() -> None:
    assert f"Mairie {de('Avranches')}" == "Mairie d'Avranches"
    assert f"Mairie {de('Écausseville')}" == "Mairie d'Écausseville"
    assert f"Mairie {de('Lessay')}" == "Mairie de Lessay"
    assert f"Relevés {de('août 2026')}" == "Relevés d'août 2026"


def test_names_sort_in_french_alphabetical_order() -> None:
    names = ["Bricquebec", "Élan", "Brécey", "ducey", "Saint-Lô", "Saint Jean", "Emondeville"]
    assert sorted(names, key=sort_key) == [
        "Brécey",
        "Bricquebec",
        "ducey",
        "Élan",
        "Emondeville",
        "Saint Jean",
        "Saint-Lô",
    ]
