"""Gap-free yearly numbers for accounting documents: statements RL-2026-0001, credit notes
AV-2027-0001.

A public accountant checks that numbers follow on without a gap and never repeat. One counter row
per series and year holds the last number given; :func:`next_number` increments it with a single
``INSERT … ON CONFLICT (series) DO UPDATE … RETURNING``, which must run inside the
``write_transaction()`` that writes the document:

- on PostgreSQL the upsert takes the counter row's lock until commit, so a second transaction
  numbering in the same series waits, then reads the committed value (never the same number);
  if the document's transaction rolls back, so does the increment (never a gap);
- on SQLite the write transaction is ``BEGIN IMMEDIATE``: one writer at a time already.

Callers take the counter last, after every row lock and check of their own, so a transaction
holding the counter never waits for anything else (no deadlock) and a refusal spends no number.
"""

from __future__ import annotations

from reimbursements.tables import DocumentCounter

UPSERT = (
    "INSERT INTO document_counter (series, last) VALUES ({}, 1) "
    "ON CONFLICT (series) DO UPDATE SET last = document_counter.last + 1 RETURNING last"
)


def series_of(prefix: str, year: int) -> str:
    return f"{prefix}-{year}"


async def next_number(prefix: str, year: int) -> str:
    """The next number of ``prefix`` in ``year`` ("RL", 2026 → "RL-2026-0001"); only inside
    a write transaction."""
    series = series_of(prefix, year)
    rows = await DocumentCounter.raw(UPSERT, series)
    return f"{series}-{int(rows[0]['last']):04d}"
