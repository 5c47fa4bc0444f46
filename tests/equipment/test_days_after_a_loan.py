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
from equipment.availability import find_available
from equipment.handover import check_in_loan, check_out_loan
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


async def test_a_device_due_back_today_can_be_booked_from_tomorrow(fleet: Fleet, clock_at) -> None:
    tag = fleet.tags[1]
    loan = await fleet.reserve([tag], day(0), day(2))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=tag)])
    clock_at(_morning(2))  # its due day: not late yet
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
