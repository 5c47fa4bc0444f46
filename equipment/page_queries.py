"""What the staff pages need beyond the JSON API's services: pick-lists, item edits, home counts.

Kept apart from the services so the pages never re-implement a booking or loan rule: everything
here either reads, or edits an item's descriptive fields (no dates, no status).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from equipment import schemas
from equipment.errors import refuse
from equipment.followup import due_soon_loans, overdue_loans
from equipment.inventory import check_serial_free, get_item, item_by_tag, list_kits
from equipment.tables import Item, ItemType
from organisations.tables import Organisation
from passnum import audit, clock, db
from passnum.auth.actor import Actor
from passnum.db import write_transaction


async def borrowers() -> list[dict[str, Any]]:
    """Organisations that may borrow, for the loan form and the borrower pages."""
    return (
        await Organisation.select(Organisation.id, Organisation.name, Organisation.commune)
        .where(Organisation.is_borrower.eq(True))
        .order_by(Organisation.name)
    )


async def borrower(borrower_id: int) -> dict[str, Any]:
    row = (
        await Organisation.select(Organisation.id, Organisation.name, Organisation.commune)
        .where((Organisation.id == borrower_id) & Organisation.is_borrower.eq(True))
        .first()
    )
    if row is None:
        raise refuse("not_found.borrower")
    return row


async def accessories_by_tag(tags: list[str]) -> dict[str, list[str]]:
    """Each item's accessory list, for the hand-over and return checklists."""
    rows = await Item.select(Item.asset_tag, Item.accessories).where(
        Item.asset_tag.is_in(tags or [""])
    )
    return {r["asset_tag"]: list(db.as_json(r["accessories"], [])) for r in rows}


async def free_kits(free_tags: set[str]) -> list[schemas.KitView]:
    """Kits whose every item is free (from an availability answer)."""
    return [k for k in await list_kits() if k.items and set(k.items) <= free_tags]


async def update_item(
    actor: Actor | None, tag: str, values: dict[str, Any], notes: str, purchase_date: date | None
) -> schemas.ItemView:
    """Correct an item's description; status and bookings stay with their own services."""
    item = await item_by_tag(tag)
    if values["item_type"] not in ItemType.__members__:
        raise refuse("invalid.type_missing", field="item_type")
    serial = values["serial"].strip()
    if not serial:
        raise refuse("invalid.serial_missing", field="serial")
    await check_serial_free(serial, item.id)
    if values["declared_value_cents"] < 0:
        raise refuse("invalid.value_negative", field="declared_value_cents")
    if purchase_date and purchase_date > clock.today():
        raise refuse("invalid.purchase_in_future", field="purchase_date")
    changes = {
        "item_type": values["item_type"],
        "brand": values["brand"].strip(),
        "model": values["model"].strip(),
        "serial": serial,
        "declared_value_cents": values["declared_value_cents"],
        "accessories": [a.strip() for a in values["accessories"] if a.strip()],
        "notes": notes.strip(),
        "purchase_date": purchase_date,
    }
    async with write_transaction():
        await Item.update({getattr(Item, k): v for k, v in changes.items()}).where(
            Item.id == item.id
        )
        await audit.record(
            actor, "update", "item", item.id, {**changes, "purchase_date": str(purchase_date or "")}
        )
    return await get_item(item.asset_tag)


@dataclass
class FollowUp:
    overdue: list[schemas.LoanView]
    due_soon: list[schemas.LoanView]


async def follow_up() -> FollowUp:
    return FollowUp(overdue=await overdue_loans(), due_soon=await due_soon_loans())


async def staff_home_context() -> dict[str, Any]:
    """What ``equipment/_home_staff.html`` shows on the staff home: late and due-soon loans."""
    return {"fleet_follow_up": await follow_up()}
