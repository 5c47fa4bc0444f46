"""The demo fleet: 20 laptops, 30 tablets in three cases, 5 hotspots, a projector, and loans.

Idempotent: devices are found by their demo serial numbers, and loans are created only once.
Loans are made through the services (so they obey the booking rules), then the past, current
and overdue ones have their dates moved back as if time had passed.
"""

from __future__ import annotations

from datetime import date, timedelta

from equipment import schemas
from equipment.handover import check_in_loan, check_out_loan
from equipment.inventory import create_item, create_kit
from equipment.loans import create_loan
from equipment.tables import Booking, Item, Kit, Loan, LoanItem
from organisations.demo import DemoTerritory
from passnum import clock

FLEET = [
    ("laptop", "DEMO-PC", 20, "Lenovo", "ThinkPad E14", 89_900, ["chargeur", "souris", "sacoche"]),
    ("tablet", "DEMO-TAB", 30, "Samsung", "Galaxy Tab A8", 22_990, ["chargeur", "coque"]),
    ("hotspot", "DEMO-4G", 5, "Huawei", "E5783 4G", 8_900, ["câble USB"]),
    ("projector", "DEMO-VP", 1, "Epson", "EB-W06", 54_900, ["télécommande", "câble HDMI"]),
]
KIT_SIZE = 10
DEMO_CONTACT = "@demo.passnum.fr"


async def _tags(prefix: str) -> list[str]:
    rows = (
        await Item.select(Item.asset_tag)
        .where(Item.serial.like(f"{prefix}-%"))
        .order_by(Item.serial)
    )
    return [r["asset_tag"] for r in rows]


async def _load_items() -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for item_type, prefix, count, brand, model, value, accessories in FLEET:
        for n in range(1, count + 1):
            serial = f"{prefix}-{n:03d}"
            if not await Item.exists().where(Item.serial == serial):
                await create_item(
                    None,
                    schemas.ItemIn(
                        item_type=item_type,
                        serial=serial,
                        brand=brand,
                        model=model,
                        declared_value_cents=value,
                        accessories=accessories,
                        purchase_date=date(2024, 9, 1),
                    ),
                )
        tags[item_type] = await _tags(prefix)
    tablets = tags["tablet"]
    for k in range(len(tablets) // KIT_SIZE):
        name = f"Valise {KIT_SIZE} tablettes n° {k + 1}"
        if not await Kit.exists().where(Kit.name == name):
            members = tablets[k * KIT_SIZE : (k + 1) * KIT_SIZE]
            await create_kit(None, schemas.KitIn(name=name, items=members))
    return tags


async def _loan(
    borrower_id: int, tags: list[str], purpose: str, contact: str, days: int, starts_in: int = 0
) -> str:
    today = clock.today() + timedelta(days=starts_in)
    loan = await create_loan(
        None,
        schemas.LoanCreate(
            borrower_id=borrower_id,
            contact_name=contact,
            contact_phone="02 33 00 00 00",
            contact_email=f"{contact.split()[0].lower()}{DEMO_CONTACT}",
            start_date=today,
            due_date=today + timedelta(days=days),
            purpose=purpose,
            items=tags,
        ),
    )
    return loan.number


async def _move(number: str, start: date, due: date) -> None:
    loan = await Loan.objects().get(Loan.number == number)
    assert loan is not None  # made by the demo just before
    lines = await LoanItem.select(LoanItem.id).where(LoanItem.loan == loan.id)
    await Loan.update({Loan.start_date: start, Loan.due_date: due}).where(Loan.id == loan.id)
    await Booking.update({Booking.start_date: start, Booking.end_date: due}).where(
        Booking.loan_item.is_in([line["id"] for line in lines])
    )


async def load_demo(territory: DemoTerritory) -> None:
    """Add the demo fleet and a few loans to the territory's borrowers (safe to run twice)."""
    tags = await _load_items()
    if not territory.borrower_ids or await Loan.exists().where(
        Loan.contact_email.like(f"%{DEMO_CONTACT}")
    ):
        return
    today = clock.today()
    first, second, third = (territory.borrower_ids * 3)[:3]
    laptops, tablets, hotspots = tags["laptop"], tags["tablet"], tags["hotspot"]

    past = await _loan(first, laptops[:4], "Ateliers « premiers pas »", "Sophie Marie", 10)
    await check_out_loan(None, past, [schemas.CheckoutLine(item=t) for t in laptops[:4]])
    await check_in_loan(
        None, past, [schemas.ReturnLine(item=t, data_wiped=True) for t in laptops[:4]]
    )
    await _move(past, today - timedelta(days=45), today - timedelta(days=31))

    current = await _loan(
        second, tablets[:10] + hotspots[:1], "Permanence France services", "Julien Lefèvre", 21
    )
    lines = [schemas.CheckoutLine(item=t) for t in tablets[:10] + hotspots[:1]]
    await check_out_loan(None, current, lines)
    await _move(current, today - timedelta(days=7), today + timedelta(days=14))

    overdue = await _loan(
        third, laptops[4:6], "Accompagnement démarches en ligne", "Nadia Hamon", 14
    )
    await check_out_loan(None, overdue, [schemas.CheckoutLine(item=t) for t in laptops[4:6]])
    await _move(overdue, today - timedelta(days=20), today - timedelta(days=3))

    await _loan(first, tablets[10:20], "Atelier seniors tablettes", "Sophie Marie", 5, 14)
