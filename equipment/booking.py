"""The rule that can never break: one item, one booking per day.

How it holds, in three layers:

1. Every write that books days (loan, extension, planned maintenance) runs in
   :func:`booking_transaction`. On PostgreSQL it first locks the items' rows
   (``SELECT … FOR UPDATE``, in id order so two requests never deadlock), then checks for conflicts:
   a concurrent request for the same item waits for the lock, then sees the first booking and is
   refused with the conflicts listed. On SQLite the transaction is ``BEGIN IMMEDIATE``: one writer
   at a time for the whole file, so check-then-insert is safe within one process (and across
   processes sharing the file).
2. On PostgreSQL the ``booking`` table carries an exclusion constraint
   ``EXCLUDE USING gist (item WITH =, daterange(start_date, end_date, '[]') WITH &&)
   WHERE (active)``
   (migration ``equipment_2026_11_26t06_03_30``): even a code path that forgot the lock, or a
   manual SQL insert, cannot store an overlap. A violation becomes the same ``unavailable`` error.
3. Dates are inclusive days. A loan due back on day D and another starting on day D overlap:
   **same-day back-to-back is refused** — the item is checked and wiped on its return day and can
   leave again the next day.

An open maintenance (no end date) has no booking row: it blocks every day from its start, which the
check under the lock enforces.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any, TypeVar

from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import TransactionType

from equipment.tables import Booking, Item, MaintenanceRecord
from organisations.tables import Organisation
from passnum.errors import DomainError
from passnum.fr import format_date

try:
    from asyncpg.exceptions import ExclusionViolationError
except ImportError:  # pragma: no cover - asyncpg ships with piccolo[postgres]
    ExclusionViolationError = type("ExclusionViolationError", (Exception,), {})

T = TypeVar("T")
ACTIVE_LOAN_STATUSES = ("reserved", "checked_out", "partially_returned")


def _on_postgres() -> bool:
    return isinstance(Item._meta.db, PostgresEngine)


@asynccontextmanager
async def booking_transaction():
    """A transaction in which checking then booking is atomic (see the module docstring)."""
    db = Item._meta.db
    if _on_postgres():
        async with db.transaction() as transaction:
            yield transaction
    else:
        async with db.transaction(transaction_type=TransactionType.immediate) as transaction:
            yield transaction


async def lock_items(item_ids: Iterable[int], borrower_id: int | None = None) -> None:
    """Row locks on PostgreSQL, in id order; the borrower's row serialises their item cap."""
    if not _on_postgres():
        return
    ids = sorted(set(item_ids))
    if borrower_id is not None:
        await Organisation.select(Organisation.id).where(Organisation.id == borrower_id).lock_rows()
    if ids:
        await Item.select(Item.id).where(Item.id.is_in(ids)).order_by(Item.id).lock_rows()


async def find_conflicts(
    item_ids: Iterable[int], start: date, end: date, exclude_loan_id: int | None = None
) -> list[dict[str, Any]]:
    """Active bookings and open maintenance overlapping ``start``..``end`` (inclusive)."""
    ids = sorted(set(item_ids))
    if not ids:
        return []
    rows = await Booking.select(
        Booking.item.asset_tag,
        Booking.start_date,
        Booking.end_date,
        Booking.maintenance,
        Booking.loan_item.loan.id,
        Booking.loan_item.loan.number,
    ).where(
        Booking.item.is_in(ids)
        & Booking.active.eq(True)
        & (Booking.start_date <= end)
        & (Booking.end_date >= start)
    )
    conflicts = [
        {
            "item": r["item.asset_tag"],
            "from": r["start_date"].isoformat(),
            "to": r["end_date"].isoformat(),
            "reason": "maintenance" if r["maintenance"] else "loan",
            "loan": r["loan_item.loan.number"],
        }
        for r in rows
        if not (exclude_loan_id and r["loan_item.loan.id"] == exclude_loan_id)
    ]
    open_repairs = await MaintenanceRecord.select(
        MaintenanceRecord.item.asset_tag, MaintenanceRecord.start_date
    ).where(
        MaintenanceRecord.item.is_in(ids)
        & MaintenanceRecord.end_date.is_null()
        & (MaintenanceRecord.start_date <= end)
    )
    conflicts += [
        {
            "item": r["item.asset_tag"],
            "from": r["start_date"].isoformat(),
            "to": None,
            "reason": "maintenance",
            "loan": None,
        }
        for r in open_repairs
    ]
    return sorted(conflicts, key=lambda c: (c["item"], c["from"]))


def describe(conflict: dict[str, Any]) -> str:
    start = format_date(date.fromisoformat(conflict["from"]))
    if conflict["to"] is None:
        period = f"depuis le {start}"
    else:
        period = f"du {start} au {format_date(date.fromisoformat(conflict['to']))}"
    what = f"prêt {conflict['loan']}" if conflict["reason"] == "loan" else "maintenance"
    return f"{conflict['item']} ({what} {period})"


def unavailable(conflicts: list[dict[str, Any]]) -> DomainError:
    listed = " ; ".join(describe(c) for c in conflicts) or "réservation concurrente"
    return DomainError(
        "unavailable",
        f"Ce matériel est déjà réservé sur ces dates : {listed}. "
        "Choisissez d'autres dates ou d'autres appareils.",
        409,
        conflicts=conflicts,
    )


async def book(
    item_ids: list[int],
    start: date,
    end: date,
    work: Callable[[], Awaitable[T]],
    *,
    borrower_id: int | None = None,
    exclude_loan_id: int | None = None,
) -> T:
    """Lock, check ``item_ids`` are free over ``start``..``end``, then run ``work`` — atomically.

    ``work`` writes the bookings (and anything else) inside the same transaction; a conflict
    found by the check or by the database's exclusion constraint raises ``unavailable``.
    """
    try:
        async with booking_transaction():
            await lock_items(item_ids, borrower_id)
            conflicts = await find_conflicts(item_ids, start, end, exclude_loan_id)
            if conflicts:
                raise unavailable(conflicts)
            return await work()
    except ExclusionViolationError:
        raise unavailable(await find_conflicts(item_ids, start, end, exclude_loan_id)) from None
