"""The one CSV reader for files people send (imports): what French Excel writes, read safely.

The reverse of :mod:`passnum.csvout`. A file is UTF-8 (with or without BOM) or Windows-1252 (what
Excel saves by default in France), ``;`` or ``,`` separated (guessed from the header line). Its
first line names the columns, in any order, compared without case, accents or punctuation
(``Numéro série`` = ``numero_serie``: :func:`key`). Each record becomes a :class:`Row` numbered by
the line it starts on (the header is line 1), so that a report can say « ligne 7 : … »; a record
that does not split into the header's columns carries its ``problem`` instead of cells (the import
then writes nothing). A cell our own export neutralised (a quote before ``=``…) is read without it.

Used by the inventory import (``equipment.csvio``) and the organisations import
(``organisations.imports``): all rows or none, with a report of rejected rows.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from passnum.csvout import read_cell
from passnum.refusals import refuse

MAX_ROWS = 5000

UNCLOSED_QUOTE = (
    'guillemet « " » jamais fermé ou mal placé : cette ligne et les suivantes ne se découpent '
    "pas en colonnes (fermez le guillemet ou retirez-le)"
)
WRONG_WIDTH = (
    "{} colonnes au lieu de {} : un séparateur « ; » en trop ou en moins, ou un guillemet mal placé"
)


def key(text: str) -> str:
    """Lower-case, no accents, no punctuation: "Ordinateur portable" → "ordinateurportable"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 — what Excel saves by default in France."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise refuse("invalid_csv.unreadable") from exc


@dataclass
class Row:
    """One record of the file: the line it starts on (the header is line 1), its cells by column
    (keyed by :func:`key` of the header), or why it does not split into the header's columns."""

    line: int
    cells: dict[str, str] = field(default_factory=dict)
    problem: str = ""


def read_rows(
    text: str, required: Sequence[str], columns: Sequence[str], max_rows: int = MAX_ROWS
) -> list[Row]:
    """The records under the header, which must name every ``required`` column (``columns`` is
    what the refusal lists as expected). A record that does not split into exactly the header's
    columns (a cell too many or too few, a quote never closed that would swallow the following
    lines into one cell) is a :class:`Row` with its ``problem``."""
    header = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        fields = [key(f) for f in next(reader, [])]
    except csv.Error as exc:
        raise refuse("invalid_csv.header", _problem=exc) from exc
    if any(key(r) not in fields for r in required):
        named = " et ".join(f"« {r} »" for r in required)
        raise refuse("invalid_csv.columns", _named=named, _columns=";".join(columns))
    rows: list[Row] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            # Nothing after a broken quote can be trusted to start a new row.
            rows.append(Row(line, problem=UNCLOSED_QUOTE))
            break
        if not cells or not any(c.strip() for c in cells):
            continue  # a blank line (Excel writes ";;;;" for an empty row)
        if len(cells) != len(fields):
            rows.append(Row(line, problem=WRONG_WIDTH.format(len(cells), len(fields))))
        else:
            texts = (read_cell(c.strip()) for c in cells)  # what our own export neutralised
            rows.append(Row(line, dict(zip(fields, texts, strict=True))))
        if len(rows) > max_rows:
            raise refuse("invalid_csv.too_long", _max_rows=max_rows)
    return rows
