"""The rule that can never break: one item, one holder per day.

Three things take a device out of service, and all three are read and written here, by one rule:
a loan over its dates; a loan still out past its due date, from its start until the device
actually comes back (no end: nobody knows the day it returns); a maintenance, planned (its dates)
or open (from its start until it is closed, then until the end date it was closed with).
:func:`holds` is the one reading of them: the availability search, the new-loan form, the
calendar and every booking's check all call it.

How it holds, in three layers:

1. Every write that books days (loan, extension, maintenance) runs in :func:`book`, inside
   :func:`passnum.db.write_transaction`. On PostgreSQL it first locks the items' rows
   (``SELECT … FOR UPDATE``, in id order so two requests never deadlock), then checks the holds:
   a concurrent request for the same item waits for the lock, then sees the first booking and is
   refused with the conflicts listed. On SQLite the transaction is ``BEGIN IMMEDIATE``: one writer
   at a time for the whole file, so check-then-insert is safe (across processes sharing the file).
2. On PostgreSQL the ``booking`` table carries an exclusion constraint
   ``EXCLUDE USING gist (item WITH =, daterange(start_date, end_date, '[]') WITH &&)
   WHERE (active)``
   (migration ``equipment_2026_11_26t06_03_30``): even a code path that forgot the lock, or a
   manual SQL insert, cannot store an overlap. A violation becomes the same ``unavailable`` error.
   Every maintenance has its row (an open one until :data:`OPEN_END`), so the constraint covers
   it. An overdue loan's row keeps its due date until the device is back (the database cannot
   know "today"): the check under the lock treats it as open, and the return stores the real
   last day.
3. Dates are inclusive days. A loan due back on day D and another starting on day D overlap:
   **same-day back-to-back is refused** — the item is checked and wiped on its return day and can
   leave again the next day.

Something that happens whatever was booked (a device back late, a repair found at a return) is
stored as far as no earlier booking already starts (:func:`free_until`); that booking then meets
the device at its hand-over, which is refused, and staff replace the device in it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from equipment.errors import refuse
from equipment.tables import Booking, Item, Loan, MaintenanceRecord
from organisations.tables import Organisation
from passnum import clock, db
from passnum.errors import DomainError
from passnum.fr import format_date

try:
    from asyncpg.exceptions import ExclusionViolationError
except ImportError:  # pragma: no cover - asyncpg ships with piccolo[postgres]
    ExclusionViolationError = type("ExclusionViolationError", (Exception,), {})

T = TypeVar("T")
ACTIVE_LOAN_STATUSES = ("reserved", "checked_out", "partially_returned")
OUT_STATUSES = ("checked_out", "partially_returned")


async def lock_items(item_ids: Iterable[int], borrower_id: int | None = None) -> None:
    """Row locks on PostgreSQL, in id order; the borrower's row serialises their item cap."""
    if not db.is_postgres():
        return
    ids = sorted(set(item_ids))
    if borrower_id is not None:
        await Organisation.select(Organisation.id).where(Organisation.id == borrower_id).lock_rows()
    if ids:
        await Item.select(Item.id).where(Item.id.is_in(ids)).order_by(Item.id).lock_rows()


OPEN_END = date(9999, 12, 31)
"""The end stored for a hold with no end yet (an open maintenance): the last day a date can name,
so the exclusion constraint compares it like any other range. Never shown: holds read it as None."""


@dataclass(frozen=True, slots=True)
class Hold:
    """Days an item is taken, as everyone reads them. ``end`` None: until further notice."""

    item_id: int
    item: str
    start: date
    end: date | None
    reason: str  # "loan" | "overdue" | "maintenance"
    loan: str | None = None
    loan_id: int | None = None
    loan_status: str | None = None
    borrower: str | None = None
    due: date | None = None
    maintenance_id: int | None = None

    def conflict(self) -> dict[str, Any]:
        """The JSON shape of a conflict in an ``unavailable`` refusal."""
        found = {
            "item": self.item,
            "from": self.start.isoformat(),
            "to": self.end.isoformat() if self.end else None,
            "reason": self.reason,
            "loan": self.loan,
        }
        if self.reason == "overdue" and self.due is not None:
            found["due"] = self.due.isoformat()
        return found


def _overdue(today: date) -> Any:
    """A loan line handed over, neither returned nor lost, past its last booked day."""
    line = Booking.loan_item
    return (
        line.returned_at.is_null()
        & line._.lost.eq(False)
        & line._.loan._.status.is_in(list(OUT_STATUSES))
        & (Booking.end_date < today)
    )


async def holds(
    item_ids: Iterable[int],
    start: date,
    end: date | None = None,
    *,
    exclude_loan_id: int | None = None,
    exclude_maintenance_id: int | None = None,
) -> list[Hold]:
    """Everything holding these items on some day of ``start``..``end`` (``end`` None: onwards).

    The one reading of the ledger: bookings (loan lines, maintenance), a loan line still out past
    its due date (held from its start until it comes back: no end), an open maintenance (no end).
    """
    ids = sorted(set(item_ids))
    if not ids:
        return []
    today = clock.today()
    open_repair = Booking.maintenance.is_not_null() & Booking.maintenance.end_date.is_null()
    reaches = (Booking.end_date >= start) | _overdue(today) | open_repair
    where = Booking.item.is_in(ids) & Booking.active.eq(True) & reaches
    if end is not None:
        where &= Booking.start_date <= end
    rows = await Booking.select(
        Booking.item,
        Booking.item.asset_tag,
        Booking.start_date,
        Booking.end_date,
        Booking.maintenance,
        Booking.maintenance.end_date,
        Booking.loan_item.returned_at,
        Booking.loan_item.lost,
        Booking.loan_item._.loan._.id,
        Booking.loan_item._.loan._.number,
        Booking.loan_item._.loan._.status,
        Booking.loan_item._.loan._.due_date,
        Booking.loan_item._.loan._.borrower._.name,
    ).where(where)
    found = []
    for r in rows:
        if r["maintenance"]:
            if r["maintenance"] == exclude_maintenance_id:
                continue
            is_open = r["maintenance.end_date"] is None or r["end_date"] == OPEN_END
            found.append(
                Hold(
                    r["item"],
                    r["item.asset_tag"],
                    r["start_date"],
                    None if is_open else r["end_date"],
                    "maintenance",
                    maintenance_id=r["maintenance"],
                )
            )
            continue
        if exclude_loan_id and r["loan_item.loan.id"] == exclude_loan_id:
            continue
        late = (
            r["end_date"] < today
            and r["loan_item.returned_at"] is None
            and not r["loan_item.lost"]
            and r["loan_item.loan.status"] in OUT_STATUSES
        )
        found.append(
            Hold(
                r["item"],
                r["item.asset_tag"],
                r["start_date"],
                None if late else r["end_date"],
                "overdue" if late else "loan",
                loan=r["loan_item.loan.number"],
                loan_id=r["loan_item.loan.id"],
                loan_status=r["loan_item.loan.status"],
                borrower=r["loan_item.loan.borrower.name"],
                due=r["loan_item.loan.due_date"],
            )
        )
    found += await _open_repairs_without_booking(ids, end, exclude_maintenance_id)
    return sorted(found, key=lambda h: (h.item, h.start))


async def _open_repairs_without_booking(
    ids: list[int], end: date | None, exclude_id: int | None
) -> list[Hold]:
    """Open maintenance with no booking row: opened at a return over a later reservation (no day
    could be stored), or recorded before bookings held maintenance. It holds all the same."""
    where = MaintenanceRecord.item.is_in(ids) & MaintenanceRecord.end_date.is_null()
    if end is not None:
        where &= MaintenanceRecord.start_date <= end
    rows = await MaintenanceRecord.select(
        MaintenanceRecord.id,
        MaintenanceRecord.item,
        MaintenanceRecord.item.asset_tag,
        MaintenanceRecord.start_date,
    ).where(where)
    booked = {
        r["maintenance"]
        for r in await Booking.select(Booking.maintenance).where(
            Booking.maintenance.is_in([r["id"] for r in rows] or [0])
        )
    }
    return [
        Hold(
            r["item"],
            r["item.asset_tag"],
            r["start_date"],
            None,
            "maintenance",
            maintenance_id=r["id"],
        )
        for r in rows
        if r["id"] not in booked and r["id"] != exclude_id
    ]


async def locked_loan_status(loan_id: int) -> str:
    """A loan's status read with its row locked on PostgreSQL (SQLite: one writer already), so a
    change of its devices and its hand-over never both go through."""
    query = Loan.select(Loan.status).where(Loan.id == loan_id)
    row = await (query.lock_rows() if db.is_postgres() else query).first()
    assert row is not None  # the caller has just read this loan
    return row["status"]


async def find_conflicts(
    item_ids: Iterable[int],
    start: date,
    end: date | None,
    exclude_loan_id: int | None = None,
    exclude_maintenance_id: int | None = None,
) -> list[dict[str, Any]]:
    """What holds these items over ``start``..``end`` (inclusive), as conflicts."""
    found = await holds(
        item_ids,
        start,
        end,
        exclude_loan_id=exclude_loan_id,
        exclude_maintenance_id=exclude_maintenance_id,
    )
    return [h.conflict() for h in found]


async def free_until(item_id: int, after: date, exclude_booking_id: int | None = None) -> date:
    """The last day after ``after`` that no other booking of the item holds yet: what a hold that
    happens anyway (a device back late, a repair found at a return) can store without overlap.

    Bookings made before the hold existed keep their days; they then meet the hold and are
    refused at hand-over (staff replace the device in them)."""
    query = Booking.select(Booking.start_date).where(
        (Booking.item == item_id) & Booking.active.eq(True) & (Booking.start_date > after)
    )
    if exclude_booking_id is not None:
        query = query.where(Booking.id != exclude_booking_id)
    first = await query.order_by(Booking.start_date).first()
    return first["start_date"] - timedelta(days=1) if first else OPEN_END


def describe(conflict: dict[str, Any]) -> str:
    start = format_date(date.fromisoformat(conflict["from"]))
    if conflict["reason"] == "overdue":
        due = format_date(date.fromisoformat(conflict["due"]))
        return (
            f"{conflict['item']} (prêt {conflict['loan']} en retard : à rendre le {due}, "
            "pas encore rendu)"
        )
    if conflict["to"] is None:
        period = f"depuis le {start}"
    else:
        period = f"du {start} au {format_date(date.fromisoformat(conflict['to']))}"
    what = f"prêt {conflict['loan']}" if conflict["reason"] == "loan" else "maintenance"
    return f"{conflict['item']} ({what} {period})"


def unavailable(conflicts: list[dict[str, Any]]) -> DomainError:
    listed = " ; ".join(describe(c) for c in conflicts) or "réservation concurrente"
    return refuse("unavailable", _listed=listed, conflicts=conflicts)


async def book(
    item_ids: list[int],
    start: date,
    end: date | None,
    work: Callable[[], Awaitable[T]],
    *,
    borrower_id: int | None = None,
    exclude_loan_id: int | None = None,
    exclude_maintenance_id: int | None = None,
) -> T:
    """Lock, check ``item_ids`` are free over ``start``..``end``, then run ``work`` — atomically.

    ``end`` None books from ``start`` until further notice (an open maintenance). ``work`` writes
    the bookings (and anything else) inside the same transaction; a conflict found by the check
    or by the database's exclusion constraint raises ``unavailable``.
    """
    excluded = {
        "exclude_loan_id": exclude_loan_id,
        "exclude_maintenance_id": exclude_maintenance_id,
    }
    try:
        async with db.write_transaction():
            await lock_items(item_ids, borrower_id)
            conflicts = await find_conflicts(item_ids, start, end, **excluded)
            if conflicts:
                raise unavailable(conflicts)
            return await work()
    except ExclusionViolationError:
        raise unavailable(await find_conflicts(item_ids, start, end, **excluded)) from None
