"""Date overlaps: the one rule the fleet can never break, edge by edge."""

from __future__ import annotations

import asyncio

import pytest

from equipment import schemas
from equipment.handover import check_in_loan, check_out_loan
from equipment.item_status import set_item_status
from equipment.loans import cancel_loan, extend_loan
from equipment.maintenance import close_maintenance, schedule_maintenance
from passnum.errors import DomainError
from tests.equipment.conftest import TODAY, Fleet, day


async def refused(coro) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await coro
    return caught.value


async def test_a_one_day_loan_blocks_exactly_that_day(fleet: Fleet) -> None:
    tag = fleet.tags[0]
    first = await fleet.reserve([tag], day(5), day(5))
    error = await refused(fleet.reserve([tag], day(5), day(5)))
    assert error.code == "unavailable"
    assert error.extra["conflicts"] == [
        {
            "item": tag,
            "from": day(5).isoformat(),
            "to": day(5).isoformat(),
            "reason": "loan",
            "loan": first.number,
        }
    ]
    await fleet.reserve([tag], day(4), day(4))
    await fleet.reserve([tag], day(6), day(6))


async def test_back_to_back_on_the_same_day_is_refused_but_the_next_day_is_free(
    fleet: Fleet,
) -> None:
    tag = fleet.tags[0]
    await fleet.reserve([tag], day(1), day(10))
    error = await refused(fleet.reserve([tag], day(10), day(15)))
    assert error.code == "unavailable"
    assert "MAN-00001" in error.message
    await fleet.reserve([tag], day(11), day(15))


async def test_an_overlap_lists_every_conflicting_item(fleet: Fleet) -> None:
    loan = await fleet.reserve(fleet.tags[:2], day(3), day(8))
    error = await refused(fleet.reserve(fleet.tags[:3], day(7), day(9)))
    assert [c["item"] for c in error.extra["conflicts"]] == fleet.tags[:2]
    assert {c["loan"] for c in error.extra["conflicts"]} == {loan.number}


async def test_an_extension_into_another_booking_is_refused(fleet: Fleet) -> None:
    tag = fleet.tags[1]
    first = await fleet.reserve([tag], day(1), day(5))
    second = await fleet.reserve([tag], day(9), day(12))
    error = await refused(extend_loan(fleet.staff, first.number, day(9)))
    assert error.code == "unavailable"
    assert error.extra["conflicts"][0]["loan"] == second.number
    extended = await extend_loan(fleet.staff, first.number, day(8))
    assert extended.due_date == day(8)
    assert (await refused(fleet.reserve([tag], day(8), day(8)))).code == "unavailable"


async def test_planned_maintenance_blocks_bookings_and_bookings_block_maintenance(
    fleet: Fleet,
) -> None:
    tag = fleet.tags[2]
    await schedule_maintenance(
        fleet.staff,
        schemas.MaintenanceIn(item=tag, start_date=day(10), end_date=day(12), description="Écran"),
    )
    error = await refused(fleet.reserve([tag], day(12), day(20)))
    assert error.extra["conflicts"][0]["reason"] == "maintenance"
    assert error.extra["conflicts"][0]["loan"] is None
    await fleet.reserve([tag], day(1), day(9))
    clash = schemas.MaintenanceIn(item=tag, start_date=day(9), end_date=day(9))
    assert (await refused(schedule_maintenance(fleet.staff, clash))).code == "unavailable"


async def test_open_maintenance_blocks_the_item_until_it_is_closed(fleet: Fleet) -> None:
    tag = fleet.tags[0]
    record = await schedule_maintenance(
        fleet.staff, schemas.MaintenanceIn(item=tag, start_date=TODAY, description="Batterie")
    )
    error = await refused(fleet.reserve([tag], day(30), day(31)))
    assert error.extra["conflicts"][0] == {
        "item": tag,
        "from": TODAY.isoformat(),
        "to": None,
        "reason": "maintenance",
        "loan": None,
    }
    closed = await close_maintenance(
        fleet.staff, record.id, schemas.MaintenanceClose(end_date=TODAY, cost_cents=4_500)
    )
    assert closed.cost_cents == 4_500
    await fleet.reserve([tag], day(30), day(31))


async def test_a_cancelled_loan_frees_its_dates(fleet: Fleet) -> None:
    tag = fleet.tags[3]
    loan = await fleet.reserve([tag], day(2), day(6))
    cancelled = await cancel_loan(fleet.staff, loan.number)
    assert cancelled.status == "cancelled"
    await fleet.reserve([tag], day(2), day(6))
    assert (await refused(cancel_loan(fleet.staff, loan.number))).code == "not_cancellable"


async def test_an_early_return_frees_the_days_after_the_return_day(fleet: Fleet) -> None:
    tag = fleet.tags[0]
    loan = await fleet.reserve([tag], TODAY, day(20))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=tag)])
    await check_in_loan(fleet.staff, loan.number, [schemas.ReturnLine(item=tag, data_wiped=True)])
    assert (await refused(fleet.reserve([tag], TODAY, TODAY))).code == "unavailable"
    await fleet.reserve([tag], day(1), day(20))


async def test_retired_items_cannot_be_booked(fleet: Fleet) -> None:
    await set_item_status(fleet.staff, fleet.tags[0], "retired", "Écran cassé")
    error = await refused(fleet.reserve([fleet.tags[0]], day(1), day(2)))
    assert error.code == "not_lendable"


async def test_twenty_simultaneous_bookings_of_one_item_give_one_loan(fleet: Fleet) -> None:
    """On PostgreSQL each call has its own connection: true concurrency, row locks and the
    exclusion constraint decide. On SQLite the immediate transaction serialises them."""
    tag = fleet.tags[0]
    results = await asyncio.gather(
        *[fleet.reserve([tag], day(1 + n % 3), day(5 + n % 4)) for n in range(20)],
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, schemas.LoanView)]
    lost = [r for r in results if isinstance(r, DomainError) and r.code == "unavailable"]
    assert len(won) == 1, results
    assert len(lost) == 19
    assert all(e.extra["conflicts"][0]["loan"] == won[0].number for e in lost)


@pytest.mark.postgres_only
async def test_the_database_itself_refuses_an_overlapping_booking(fleet: Fleet) -> None:
    from asyncpg.exceptions import ExclusionViolationError

    from equipment.tables import Booking, Item

    loan = await fleet.reserve([fleet.tags[0]], day(1), day(5))
    item = await Item.objects().get(Item.asset_tag == fleet.tags[0])
    with pytest.raises(ExclusionViolationError):
        await Booking.insert(Booking(item=item.id, start_date=day(5), end_date=day(7)))
    await Booking.insert(Booking(item=item.id, start_date=day(6), end_date=day(7)))
    assert loan.status == "reserved"
