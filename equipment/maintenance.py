"""Maintenance records: every one books the item's days like a loan, open ones until closed.

A maintenance goes through the same booking guard as loans: refused over a reservation, and later
reservations are refused over it. A planned one books its dates; an open one (no end date yet: a
broken item, a return without wiping) books every day from its start until staff close it with
the end date, cost and what was done — closing it on a future day keeps those days booked.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from piccolo.columns import Column

from equipment import schemas
from equipment.availability import find_available
from equipment.booking import OPEN_END, book
from equipment.errors import refuse
from equipment.inventory import item_by_tag
from equipment.tables import Booking, Item, ItemStatus, MaintenanceRecord
from passnum import audit, clock
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from passnum.errors import DomainError
from passnum.pagination import where_all


def maintenance_view(row: dict) -> schemas.MaintenanceView:
    return schemas.MaintenanceView(
        id=row["id"],
        item=row["item.asset_tag"],
        start_date=row["start_date"],
        end_date=row["end_date"],
        description=row["description"],
        cost_cents=row["cost_cents"],
        wipe_required=row["wipe_required"],
    )


async def list_maintenance(
    tag: str | None = None, open_only: bool = False
) -> list[schemas.MaintenanceView]:
    """Every maintenance record (newest start first): one item's history is short."""
    return (await page_maintenance(tag, open_only, limit=None))[0]


async def page_maintenance(
    tag: str | None = None, open_only: bool = False, limit: int | None = 100, offset: int = 0
) -> tuple[list[schemas.MaintenanceView], int]:
    """One slice of the maintenance records (newest start first) and how many match in all."""
    query = (
        MaintenanceRecord.select(*MaintenanceRecord.all_columns(), MaintenanceRecord.item.asset_tag)
        .order_by(MaintenanceRecord.start_date, ascending=False)
        .order_by(MaintenanceRecord.id, ascending=False)
    )
    conditions = []
    if tag:
        conditions.append(MaintenanceRecord.item == (await item_by_tag(tag)).id)
    if open_only:
        conditions.append(MaintenanceRecord.end_date.is_null())
    query = where_all(query, conditions)
    if limit is None:
        rows = await query
        return [maintenance_view(r) for r in rows], len(rows)
    rows = await query.limit(limit).offset(offset)
    total = await where_all(MaintenanceRecord.count(), conditions)
    return [maintenance_view(r) for r in rows], total


async def get_maintenance(record_id: int) -> schemas.MaintenanceView:
    row = (
        await MaintenanceRecord.select(
            *MaintenanceRecord.all_columns(), MaintenanceRecord.item.asset_tag
        )
        .where(MaintenanceRecord.id == record_id)
        .first()
    )
    if row is None:
        raise refuse("not_found.maintenance")
    return maintenance_view(row)


async def refresh_status_today(item_id: int) -> None:
    """The item's status follows today's maintenance: in one → maintenance, none → available.

    Called when a maintenance changes and again when the item is next needed, since a maintenance
    that ended yesterday leaves no event behind to put the item back.
    """
    today = clock.today()
    item = await Item.objects().get(Item.id == item_id)
    assert item is not None  # an item's own maintenance
    current = await MaintenanceRecord.exists().where(
        (MaintenanceRecord.item == item_id)
        & (MaintenanceRecord.start_date <= today)
        & (MaintenanceRecord.end_date.is_null() | (MaintenanceRecord.end_date >= today))
    )
    if current and item.status == ItemStatus.available:
        await Item.update({Item.status: ItemStatus.maintenance.value}).where(Item.id == item_id)
    elif not current and item.status == ItemStatus.maintenance:
        await Item.update({Item.status: ItemStatus.available.value}).where(Item.id == item_id)


async def schedule_maintenance(
    actor: Actor | None, data: schemas.MaintenanceIn
) -> schemas.MaintenanceView:
    """Record a maintenance: with an end date it books those days; without, it is open."""
    item = await item_by_tag(data.item)
    if data.end_date is not None and data.end_date < data.start_date:
        raise refuse("invalid.maintenance_reversed", field="end_date")
    if data.cost_cents < 0:
        raise refuse("invalid.cost_negative", field="cost_cents")
    record = MaintenanceRecord(
        item=item.id,
        start_date=data.start_date,
        end_date=data.end_date,
        description=data.description.strip(),
        cost_cents=data.cost_cents,
    )

    async def insert() -> None:
        await record.save()
        await Booking.insert(
            Booking(
                item=item.id,
                start_date=record.start_date,
                end_date=record.end_date or OPEN_END,
                maintenance=record.id,
            )
        )
        await refresh_status_today(item.id)
        await audit.record(
            actor,
            "create",
            "maintenance",
            record.id,
            {
                "item": item.asset_tag,
                "start": str(record.start_date),
                "end": str(record.end_date or ""),
            },
        )

    try:
        await book([item.id], data.start_date, data.end_date, insert)
    except DomainError as error:
        if error.code != "unavailable":
            raise
        raise await _with_free_devices(error, item) from None
    return await get_maintenance(record.id)


async def _with_free_devices(error: DomainError, item: Item) -> DomainError:
    """The booking guard's refusal, each loan affected given the devices of the same type free
    on its days (``free_devices``): staff move the loan to one (``loan_changes.add_item`` with
    ``replaces``), then open the maintenance again."""
    conflicts = error.extra.get("conflicts") or []
    moves = []
    for conflict in conflicts:
        if conflict.get("reason") != "loan" or conflict.get("to") is None:
            continue
        free = await find_available(
            date.fromisoformat(conflict["from"]),
            date.fromisoformat(conflict["to"]),
            item.item_type,
        )
        conflict["free_devices"] = [
            i.asset_tag for i in free.items if i.asset_tag != item.asset_tag
        ]
        tags = ", ".join(conflict["free_devices"]) or "aucun"
        moves.append(f"prêt {conflict['loan']} : appareils libres : {tags}")
    if not moves:
        return error
    return refuse(
        "unavailable.with_free_devices",
        _message=error.message,
        _moves=" ; ".join(moves),
        conflicts=conflicts,
    )


async def close_maintenance(
    actor: Actor | None,
    record_id: int,
    data: schemas.MaintenanceClose,
    *,
    out_of_service: bool = False,
) -> schemas.MaintenanceView:
    """Set the end date (and what was done, the cost); the item is available again if nothing else
    keeps it in maintenance. One opened for a return with data not wiped closes only with the wipe
    confirmed (``data.data_wiped``), unless the device leaves the fleet (``out_of_service``:
    retired or lost)."""
    record = await MaintenanceRecord.objects().get(MaintenanceRecord.id == record_id)
    if record is None:
        raise refuse("not_found.maintenance")
    if record.wipe_required and not data.data_wiped and not out_of_service:
        raise refuse("wipe_not_confirmed", field="data_wiped")
    if data.end_date < record.start_date:
        raise refuse("invalid.maintenance_reversed", field="end_date")
    values: dict[Column | str, Any] = {MaintenanceRecord.end_date: data.end_date}
    if data.description is not None:
        values[MaintenanceRecord.description] = data.description.strip()
    if data.cost_cents is not None:
        if data.cost_cents < 0:
            raise refuse("invalid.cost_negative", field="cost_cents")
        values[MaintenanceRecord.cost_cents] = data.cost_cents

    booked = await Booking.objects().get(Booking.maintenance == record_id)

    async def update() -> None:
        await MaintenanceRecord.update(values).where(MaintenanceRecord.id == record_id)
        if booked is None:
            await Booking.insert(
                Booking(
                    item=record.item,
                    start_date=record.start_date,
                    end_date=data.end_date,
                    maintenance=record_id,
                )
            )
        elif data.end_date < booked.start_date:  # repaired on its return day: no day of its own
            await Booking.update({Booking.active: False}).where(Booking.id == booked.id)
        else:
            await Booking.update({Booking.end_date: data.end_date}).where(Booking.id == booked.id)
        await refresh_status_today(record.item)
        changes: dict[str, Any] = {"end": str(data.end_date)}
        if record.wipe_required:
            changes["wiped"] = data.data_wiped
        await audit.record(actor, "close", "maintenance", record_id, changes)

    if booked is not None and booked.end_date >= data.end_date:
        async with write_transaction():  # fewer days: nothing to check
            await update()
    else:
        # Days not booked yet (a longer repair, or one whose days were never stored) are
        # checked like a new booking.
        start = booked.end_date + timedelta(days=1) if booked else record.start_date
        await book([record.item], start, data.end_date, update, exclude_maintenance_id=record_id)
    from equipment.tasks import offer_waiting_later  # the task module reads this one

    await offer_waiting_later()  # days freed: the waiting list may move
    return await get_maintenance(record_id)
