"""The one CSV writer for people: French Excel's dialect, typed cells, no formula ever runs."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from passnum.csvout import BOM, FrenchExcel, cell, csv_bytes, csv_chunks, euros, read_cell

FORMULAS = [
    '=HYPERLINK("http://evil.test";"Cliquez")',
    "+33 2 33 05 55 50",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def read(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM.encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), FrenchExcel))


def test_a_file_is_utf8_with_bom_semicolons_and_crlf() -> None:
    body = csv_bytes(["lieu", "montant"], [["Bibliothèque de Périers", euros(1050)]])
    assert body == "\ufefflieu;montant\r\nBibliothèque de Périers;10,50\r\n".encode()


def test_cells_are_typed_the_french_way() -> None:
    assert cell(euros(125000)) == "1250,00" and cell(euros(None)) == "0,00"
    assert cell(euros(-1234)) == "-12,34"  # a negative amount is a number, not a formula
    assert cell(-3) == "-3"
    assert cell(date(2027, 1, 3)) == "03/01/2027"
    assert cell(datetime(2027, 1, 3, 14, 5)) == "03/01/2027 14:05"
    # An aware time (an API's, a UTC one) is written in the operator's Paris time.
    assert cell(datetime(2027, 1, 31, 23, 30, tzinfo=UTC)) == "01/02/2027 00:30"
    assert cell(datetime(2027, 7, 1, 6, 0, tzinfo=UTC)) == "01/07/2027 08:00"
    assert cell(True) == "oui" and cell(False) == "non" and cell(None) == ""
    assert cell(Decimal("2.5")) == "2,50"


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_a_spreadsheet_would_run_gets_a_quote_in_front(text: str) -> None:
    assert cell(text) == "'" + text
    [_, row] = read(csv_bytes(["notes"], [[text]]))
    assert row == ["'" + text]
    assert read_cell(row[0]) == text  # an import reads back what was typed


def test_ordinary_text_is_left_alone_even_with_a_formula_inside() -> None:
    for text in ("Mairie de Lessay", "chargeur, =souris", "'déjà cité", "", "10 - 2"):
        assert cell(text) == text
        assert read_cell(text) == text


async def test_a_streamed_file_is_the_same_as_a_whole_one() -> None:
    async def pages():
        yield [["=1+1", euros(100)]]
        yield [["Coutances", euros(250)]]

    chunks = [chunk async for chunk in csv_chunks(["nom", "montant"], pages())]
    whole = csv_bytes(["nom", "montant"], [["=1+1", euros(100)], ["Coutances", euros(250)]])
    assert b"".join(chunks) == whole
