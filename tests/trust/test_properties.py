"""Property-based tests (hypothesis) for what users type or upload: dates and inventory CSV files.

Whatever the input, the answer is a value or a clear refusal (ValueError or DomainError carrying a
French message) — never another exception, which would surface as a 500.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from equipment.csvio import _rows, _to_item, decode, parse_date, parse_euros
from passnum.errors import DomainError
from vouchers.choices import BookletStatus
from vouchers.rules import accepted_until, booklet_status

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(valid_until=days, grace=st.integers(0, 400), offset=st.integers(-800, 800))
def test_a_handed_out_booklet_is_accepted_exactly_until_the_end_of_its_grace_period(
    valid_until, grace, offset
):
    today = valid_until + timedelta(days=offset)
    status = booklet_status(BookletStatus.issued, valid_until, grace, today)
    last_day = accepted_until(valid_until, grace)
    assert (status == BookletStatus.expired) == (today > last_day)


@given(valid_until=days, grace=st.integers(0, 400), a=st.integers(-800, 800), b=st.integers(0, 800))
def test_once_expired_a_booklet_never_comes_back(valid_until, grace, a, b):
    for stored in (BookletStatus.in_stock, BookletStatus.allocated, BookletStatus.issued):
        first = valid_until + timedelta(days=a)
        if booklet_status(stored, valid_until, grace, first) == BookletStatus.expired:
            later = first + timedelta(days=b)
            assert booklet_status(stored, valid_until, grace, later) == BookletStatus.expired


@given(valid_until=days, grace=st.integers(1, 400))
def test_stock_expires_with_validity_but_handed_out_booklets_get_the_grace_period(
    valid_until, grace
):
    day_after = valid_until + timedelta(days=1)
    assert booklet_status(BookletStatus.in_stock, valid_until, grace, day_after) == "expired"
    assert booklet_status(BookletStatus.issued, valid_until, grace, day_after) == "issued"


@given(st.text(max_size=30))
def test_any_typed_date_is_a_date_or_a_french_refusal(text):
    try:
        parsed = parse_date(text)
    except ValueError as refusal:
        assert "jj/mm/aaaa" in str(refusal)
    else:
        assert parsed is None or isinstance(parsed, date)


@given(st.dates(min_value=date(1900, 1, 1)))
def test_french_dates_survive_the_round_trip(day):
    assert parse_date(day.strftime("%d/%m/%Y")) == day


@given(st.integers(0, 10**9))
def test_euro_amounts_written_the_french_way_are_read_back_exactly(cents):
    text = f"{cents // 100:,}".replace(",", "\u00a0") + f",{cents % 100:02d} €"
    assert parse_euros(text) == cents


@given(st.binary(max_size=400))
def test_any_uploaded_file_is_read_as_rows_or_refused_clearly(data):
    try:
        rows = _rows(decode(data))
    except DomainError as refusal:
        assert refusal.code == "invalid_csv" and refusal.message
        return
    for row in rows:
        assert row.line >= 2
        if row.problem:
            continue
        try:
            _to_item(row.cells)
        except (ValueError, DomainError):
            pass


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Portable", "tablette", "Borne 4G", "grille-pain", ""]),
            st.text(max_size=12),
            st.text(max_size=10),
            st.text(max_size=10),
        ),
        max_size=8,
    )
)
def test_spreadsheet_rows_become_items_or_are_rejected_with_a_reason(rows):
    lines = ["type;numero_serie;valeur_declaree;date_achat"]
    lines += [";".join(re.sub(r"[;\r\n]", " ", cell) for cell in r) for r in rows]
    for row in _rows("\n".join(lines)):
        if row.problem:
            assert '"' in "".join(lines)  # only a stray quote can break a line's cells here
            continue
        try:
            item = _to_item(row.cells)
        except (ValueError, DomainError) as refusal:
            assert str(refusal)
        else:
            assert item.item_type in {"laptop", "tablet", "hotspot"}
