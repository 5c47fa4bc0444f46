"""What a loan holds once its dates are behind it: a device still out holds on, one back or never
collected does not, and a device due back today is free from tomorrow.

Written from mutation testing (docs/mutation.md, ``equipment.booking``): the overdue part of the
one reading of the ledger (:func:`equipment.booking.holds`) was only tested over the loan's own
dates, never for a booking that starts after them.
"""

from __future__ import annotations

from datetime import datetime, time

import pytest

from equipment import schemas
from equipment.availability import calendar, find_available
from equipment.handover import check_in_loan, check_out_loan
from equipment.loans import extend_loan
from equipment.maintenance import schedule_maintenance
from passnum.errors import DomainError
from tests.equipment.conftest import Fleet, day


def _morning(offset: int) -> datetime:
    return datetime.combine(day(offset), time(9, 0))


async def test_a_device_still_out_past_its_due_date_cannot_be_booked_next_week(
    fleet: Fleet, clock_at
) -> None:
    tag = fleet.tags[0]
    loan = await fleet.reserve([tag], day(0), day(2))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=tag)])
    clock_at(_morning(5))  # three days late, not back
    assert tag not in [i.asset_tag for i in (await find_available(day(8), day(9))).items]
    with pytest.raises(DomainError) as refused:
        await fleet.reserve([tag], day(8), day(9), borrower_id=fleet.other_borrower_id)
    assert refused.value.code == "unavailable"
    (conflict,) = refused.value.extra["conflicts"]
    assert (conflict["reason"], conflict["loan"], conflict["to"]) == ("overdue", loan.number, None)
    assert conflict["due"] == day(2).isoformat()
    assert f"à rendre le {day(2):%d/%m/%Y}, pas encore rendu" in refused.value.message
    row = {r.item: r for r in (await calendar(None, day(0), weeks=2)).rows}[tag]
    assert [(s.reason, s.status) for s in row.segments] == [("overdue", "checked_out")]


async def test_a_device_due_back_today_can_be_booked_from_tomorrow(fleet: Fleet, clock_at) -> None:
    tag = fleet.tags[1]
    loan = await fleet.reserve([tag], day(0), day(2))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=tag)])
    clock_at(_morning(2))  # its due day: not late yet
    with pytest.raises(DomainError) as refused:
        await fleet.reserve([tag], day(2), day(3), borrower_id=fleet.other_borrower_id)
    (conflict,) = refused.value.extra["conflicts"]
    assert (conflict["reason"], conflict["to"]) == ("loan", day(2).isoformat())
    assert tag in [i.asset_tag for i in (await find_available(day(3), day(4))).items]
    await fleet.reserve([tag], day(3), day(4), borrower_id=fleet.other_borrower_id)


async def test_a_device_returned_or_never_collected_is_free_after_its_dates(
    fleet: Fleet, clock_at
) -> None:
    returned, uncollected = fleet.tags[1], fleet.tags[2]
    loan = await fleet.reserve([returned], day(0), day(2))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=returned)])
    await check_in_loan(
        fleet.staff, loan.number, [schemas.ReturnLine(item=returned, data_wiped=True)]
    )
    await fleet.reserve([uncollected], day(0), day(2), borrower_id=fleet.other_borrower_id)
    clock_at(_morning(5))
    free = [i.asset_tag for i in (await find_available(day(6), day(7))).items]
    assert returned in free and uncollected in free
    await fleet.reserve([returned, uncollected], day(6), day(7))


async def test_a_booking_refused_over_a_planned_maintenance_names_its_days(fleet: Fleet) -> None:
    tag = fleet.tags[3]
    await schedule_maintenance(
        fleet.staff, schemas.MaintenanceIn(item=tag, start_date=day(2), end_date=day(4))
    )
    with pytest.raises(DomainError) as refused:
        await fleet.reserve([tag], day(3), day(5))
    (conflict,) = refused.value.extra["conflicts"]
    assert (conflict["reason"], conflict["from"], conflict["to"]) == (
        "maintenance",
        day(2).isoformat(),
        day(4).isoformat(),
    )
    assert f"(maintenance du {day(2):%d/%m/%Y} au {day(4):%d/%m/%Y})" in refused.value.message
    calendar_row = {r.item: r for r in (await calendar(None, day(0), weeks=2)).rows}[tag]
    assert [(s.start_date, s.end_date) for s in calendar_row.segments] == [(day(2), day(4))]


async def test_a_refusal_lists_every_booking_in_the_way_and_an_extension_meets_the_next_one(
    fleet: Fleet,
) -> None:
    tag = fleet.tags[0]
    await schedule_maintenance(
        fleet.staff, schemas.MaintenanceIn(item=tag, start_date=day(2), end_date=day(3))
    )
    first = await fleet.reserve([tag], day(5), day(6))
    second = await fleet.reserve([tag], day(9), day(10), borrower_id=fleet.other_borrower_id)
    with pytest.raises(DomainError) as refused:
        await fleet.reserve([tag], day(1), day(9))
    reasons = [(c["reason"], c["loan"]) for c in refused.value.extra["conflicts"]]
    assert reasons == [("maintenance", None), ("loan", first.number), ("loan", second.number)]
    with pytest.raises(DomainError) as longer:
        await extend_loan(fleet.staff, first.number, day(9))
    assert [c["loan"] for c in longer.value.extra["conflicts"]] == [second.number]
