"""A small pooled fleet written straight to the equipment tables, with its facts kept here so
equipment statistics and exports can be checked against an independent computation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from equipment.tables import Booking, Item, Loan, LoanItem


@dataclass
class LoanFact:
    id: int
    status: str
    start: date
    due: date
    items: list[int]
    booked: bool  # whether its bookings are active (a cancelled loan's are not)


@dataclass
class Fleet:
    items: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (type, status)
    loans: list[LoanFact] = field(default_factory=list)
    maintenance: list[tuple[int, date, date]] = field(default_factory=list)


async def make_item(fleet: Fleet, n: int, item_type: str, status: str = "available", **extra):
    item = Item(
        item_type=item_type,
        serial=f"SN-{n:04d}",
        asset_tag=f"MAN-{n:05d}",
        status=status,
        **extra,
    )
    await item.save()
    fleet.items[item.id] = (item_type, status)
    return item.id


async def make_loan(
    fleet: Fleet, borrower: int, start: date, due: date, status: str, items: list[int], n: int
) -> LoanFact:
    loan = Loan(
        number=f"P-2026-{n:04d}",
        borrower=borrower,
        contact_name="Mme Lefèvre",
        start_date=start,
        due_date=due,
        status=status,
    )
    await loan.save()
    for item in items:
        line = LoanItem(loan=loan.id, item=item)
        await line.save()
        await Booking(
            item=item,
            start_date=start,
            end_date=due,
            active=status != "cancelled",
            loan_item=line.id,
        ).save()
    fact = LoanFact(loan.id, status, start, due, items, status != "cancelled")
    fleet.loans.append(fact)
    return fact


async def make_maintenance(fleet: Fleet, item: int, start: date, end: date) -> None:
    await Booking(item=item, start_date=start, end_date=end, active=True).save()
    fleet.maintenance.append((item, start, end))


async def generate_fleet(borrower: int) -> Fleet:
    """Three laptops, two tablets and a retired laptop; loans around March 2026."""
    fleet = Fleet()
    laptops = [
        await make_item(
            fleet,
            i,
            "laptop",
            brand="Lenovo",
            model="ThinkPad élève",
            declared_value_cents=45050,
            purchase_date=date(2025, 9, 1),
        )
        for i in range(1, 4)
    ]
    tablets = [await make_item(fleet, i, "tablet", declared_value_cents=19900) for i in (4, 5)]
    await make_item(fleet, 6, "laptop", status="retired")
    await make_loan(
        fleet,
        borrower,
        date(2026, 2, 20),
        date(2026, 3, 10),
        "checked_out",
        [laptops[0], tablets[0]],
        1,
    )
    await make_loan(
        fleet, borrower, date(2026, 3, 5), date(2026, 3, 15), "returned", [laptops[1]], 2
    )
    await make_loan(
        fleet, borrower, date(2026, 3, 25), date(2026, 4, 10), "reserved", [laptops[2]], 3
    )
    await make_loan(
        fleet, borrower, date(2026, 3, 12), date(2026, 3, 20), "cancelled", [laptops[0]], 4
    )
    await make_loan(
        fleet, borrower, date(2026, 10, 1), date(2026, 11, 1), "partially_returned", [tablets[1]], 5
    )
    await make_maintenance(fleet, tablets[1], date(2026, 3, 1), date(2026, 3, 5))
    return fleet
