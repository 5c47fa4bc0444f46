"""A maintenance that ends leaves no event behind: the item must be lendable again all the same."""

from __future__ import annotations

from datetime import timedelta

from equipment import schemas
from equipment.handover import check_out_loan
from equipment.inventory import get_item
from equipment.maintenance import close_maintenance, schedule_maintenance
from equipment.tables import Booking, MaintenanceRecord
from tests.equipment.conftest import TODAY, Fleet, day


async def test_an_item_repaired_today_can_be_handed_over_once_the_day_has_passed(fleet: Fleet):
    tag = fleet.tags[0]
    record = await schedule_maintenance(
        fleet.staff, schemas.MaintenanceIn(item=tag, start_date=day(-3), description="Écran")
    )
    await close_maintenance(fleet.staff, record.id, schemas.MaintenanceClose(end_date=TODAY))
    assert (await get_item(tag)).status == "maintenance"  # still in the workshop today
    loan = await fleet.reserve([tag], day(1), day(3))
    # The next morning: the maintenance's last day is now yesterday, with nobody touching it.
    yesterday = TODAY - timedelta(days=1)
    await MaintenanceRecord.update({MaintenanceRecord.end_date: yesterday}).where(
        MaintenanceRecord.id == record.id
    )
    await Booking.update({Booking.end_date: yesterday}).where(Booking.maintenance == record.id)
    await Booking.update({Booking.start_date: TODAY, Booking.end_date: day(2)}).where(
        Booking.maintenance.is_null()
    )
    from equipment.tables import Loan

    await Loan.update({Loan.start_date: TODAY, Loan.due_date: day(2)}).where(
        Loan.number == loan.number
    )
    handed = await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=tag)])
    assert handed.status == "checked_out"
