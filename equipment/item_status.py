"""Staff put a device in or out of service from its page or the API.

"En maintenance" is not a bare status: it opens a maintenance from today, booked like any other
through the booking guard (refused over the device's reservations, which are named), so the
search, the new-loan form and the calendar see it. Back "disponible", the current maintenance
ends today. Retired and lost only change the status (and the device leaves every search).
"""

from __future__ import annotations

from equipment import schemas
from equipment.errors import refuse
from equipment.inventory import get_item, item_by_tag
from equipment.maintenance import close_maintenance, schedule_maintenance
from equipment.tables import Item, ItemStatus, MaintenanceRecord
from passnum import audit, clock
from passnum.auth.actor import Actor
from passnum.db import write_transaction

SETTABLE = {ItemStatus.available, ItemStatus.maintenance, ItemStatus.retired, ItemStatus.lost}


async def set_item_status(
    actor: Actor | None, tag: str, status: str, note: str = ""
) -> schemas.ItemView:
    """Staff put an item in or out of service; loans move it to and from ``on_loan`` themselves."""
    if status not in ItemStatus.__members__ or ItemStatus(status) not in SETTABLE:
        raise refuse("invalid.item_status", field="status")
    item = await item_by_tag(tag)
    if item.status == ItemStatus.on_loan:
        raise refuse("on_loan", _asset_tag=item.asset_tag)
    today = clock.today()
    current = await MaintenanceRecord.select(MaintenanceRecord.id).where(
        (MaintenanceRecord.item == item.id)
        & (MaintenanceRecord.start_date <= today)
        & (MaintenanceRecord.end_date.is_null() | (MaintenanceRecord.end_date >= today))
    )
    if status == ItemStatus.maintenance and not current:
        description = note.strip() or "Mis en maintenance depuis la fiche de l'appareil."
        await schedule_maintenance(
            actor,
            schemas.MaintenanceIn(item=item.asset_tag, start_date=today, description=description),
        )
    elif status != ItemStatus.maintenance:
        for record in current:  # back in service (or gone): the repair ends today
            await close_maintenance(
                actor,
                record["id"],
                schemas.MaintenanceClose(end_date=today),
                out_of_service=status in (ItemStatus.retired, ItemStatus.lost),
            )
    async with write_transaction():
        await Item.update({Item.status: status}).where(Item.id == item.id)
        await audit.record(
            actor, "set_status", "item", item.id, {"from": item.status, "to": status, "note": note}
        )
    if status == ItemStatus.available:
        from equipment.tasks import offer_waiting_later  # the task module reads this one

        await offer_waiting_later()  # days freed: the waiting list may move
    return await get_item(item.asset_tag)
