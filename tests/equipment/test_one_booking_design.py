"""Loans, overdue loans and maintenance take a device out of service by the same rule: what one
holds, nobody else can book — and the search, the new-loan form and the calendar say the same."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from equipment import schemas
from equipment.availability import calendar, find_available
from equipment.handover import check_in_loan, check_out_loan
from equipment.maintenance import close_maintenance, schedule_maintenance
from equipment.tables import Booking, Item, Loan, LoanItem
from passnum.errors import DomainError
from tests.equipment.conftest import TODAY, Fleet, day
from tests.factories import login, text_of


async def refused(coro) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await coro
    return caught.value


async def overdue_loan(fleet: Fleet, tags: list[str]) -> schemas.LoanView:
    """A loan handed over ten days ago, due back three days ago, still out."""
    loan = await fleet.reserve(tags, TODAY, day(3))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=t) for t in tags])
    await Loan.update({Loan.start_date: day(-10), Loan.due_date: day(-3)}).where(Loan.id == loan.id)
    lines = await LoanItem.select(LoanItem.id).where(LoanItem.loan == loan.id)
    await Booking.update({Booking.start_date: day(-10), Booking.end_date: day(-3)}).where(
        Booking.loan_item.is_in([line["id"] for line in lines])
    )
    return loan


async def test_a_device_still_out_past_its_due_date_is_refused_naming_the_overdue_loan(
    fleet: Fleet,
) -> None:
    tag = fleet.tags[1]
    late = await overdue_loan(fleet, [tag])

    for start, due in [(TODAY, day(2)), (day(1), day(3)), (day(30), day(40))]:
        error = await refused(fleet.reserve([tag], start, due))
        assert error.code == "unavailable"
        assert error.extra["conflicts"] == [
            {
                "item": tag,
                "from": day(-10).isoformat(),
                "to": None,
                "reason": "overdue",
                "loan": late.number,
                "due": day(-3).isoformat(),
            }
        ]
        assert f"{tag} (prêt {late.number} en retard" in error.message
        assert "pas encore rendu" in error.message


async def test_search_form_and_calendar_agree_that_an_overdue_device_is_not_free(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    tag, free = fleet.tags[1], fleet.tags[2]
    late = await overdue_loan(fleet, [tag])

    found = await find_available(day(1), day(5), "tablet")
    assert [i.asset_tag for i in found.items] == [free]

    headers = await fleet.world.staff.bearer()
    api = await client.get(
        "/api/v1/availability",
        params={"start": TODAY.isoformat(), "end": day(2).isoformat(), "item_type": "tablet"},
        headers=headers,
    )
    assert [i["asset_tag"] for i in api.json()["items"]] == [free]

    await login(client, fleet.world.staff)
    form = await client.get(
        "/equipment/loans/new",
        params={
            "borrower_id": fleet.borrower_id,
            "start_date": day(1).isoformat(),
            "due_date": day(4).isoformat(),
            "item_type": "tablet",
        },
    )
    offered = text_of(form.text).split("Appareils libres")[1]
    assert "Appareils libres (1)" in text_of(form.text)
    assert free in offered and tag not in offered

    view = await calendar("tablet", day(-7), weeks=3)
    bar = {r.item: r for r in view.rows}[tag].segments[0]
    assert (bar.loan, bar.reason, bar.end_date) == (late.number, "overdue", TODAY)
    page = await client.get("/equipment/calendar", params={"item_type": "tablet"})
    shown = text_of(page.text)
    assert f"au {TODAY:%d/%m} (En retard, pas encore rendu)" in shown


async def test_once_the_overdue_device_is_back_its_loan_ends_on_the_return_day(
    fleet: Fleet,
) -> None:
    tag = fleet.tags[1]
    late = await overdue_loan(fleet, [tag])
    await check_in_loan(fleet.staff, late.number, [schemas.ReturnLine(item=tag, data_wiped=True)])

    booking = await Booking.objects().get(
        Booking.item == (await Item.objects().get(Item.asset_tag == tag)).id
    )
    assert (booking.start_date, booking.end_date) == (day(-10), TODAY)
    await refused(fleet.reserve([tag], TODAY, day(1)))  # the return day is for checks
    assert (await fleet.reserve([tag], day(1), day(3))).status == "reserved"


async def test_a_maintenance_opened_without_end_then_closed_later_keeps_its_days_booked(
    fleet: Fleet,
) -> None:
    tag = fleet.tags[0]
    record = await schedule_maintenance(
        fleet.staff, schemas.MaintenanceIn(item=tag, start_date=TODAY, description="Clavier")
    )
    error = await refused(fleet.reserve([tag], day(20), day(22)))
    assert error.extra["conflicts"][0]["reason"] == "maintenance"

    await close_maintenance(fleet.staff, record.id, schemas.MaintenanceClose(end_date=day(5)))

    error = await refused(fleet.reserve([tag], day(4), day(6)))
    assert error.extra["conflicts"] == [
        {
            "item": tag,
            "from": TODAY.isoformat(),
            "to": day(5).isoformat(),
            "reason": "maintenance",
            "loan": None,
        }
    ]
    assert (await fleet.reserve([tag], day(6), day(8))).status == "reserved"


async def test_a_maintenance_cannot_be_opened_over_a_reservation(fleet: Fleet) -> None:
    tag = fleet.tags[0]
    loan = await fleet.reserve([tag], day(10), day(12))
    error = await refused(
        schedule_maintenance(fleet.staff, schemas.MaintenanceIn(item=tag, start_date=day(2)))
    )
    assert error.code == "unavailable"
    assert error.extra["conflicts"][0]["loan"] == loan.number


@pytest.mark.postgres_only
async def test_the_database_itself_refuses_a_booking_inside_a_closed_or_open_maintenance(
    fleet: Fleet,
) -> None:
    """Even a write that forgot the check cannot store an overlap (exclusion constraint)."""
    from asyncpg.exceptions import ExclusionViolationError

    item = await Item.objects().get(Item.asset_tag == fleet.tags[0])
    record = await schedule_maintenance(
        fleet.staff, schemas.MaintenanceIn(item=item.asset_tag, start_date=TODAY)
    )
    with pytest.raises(ExclusionViolationError):
        await Booking.insert(Booking(item=item.id, start_date=day(40), end_date=day(41)))
    await close_maintenance(fleet.staff, record.id, schemas.MaintenanceClose(end_date=day(5)))
    with pytest.raises(ExclusionViolationError):
        await Booking.insert(Booking(item=item.id, start_date=day(5), end_date=day(6)))
    await Booking.insert(Booking(item=item.id, start_date=day(6), end_date=day(6)))


async def test_a_device_put_in_maintenance_from_its_page_holds_its_days_until_put_back(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    tag = fleet.tags[0]
    headers = await fleet.world.staff.bearer()
    response = await client.post(
        f"/api/v1/items/{tag}/status",
        json={"status": "maintenance", "note": "Batterie gonflée"},
        headers=headers,
    )
    assert response.status_code == 200 and response.json()["status"] == "maintenance"
    assert tag not in [i.asset_tag for i in (await find_available(day(5), day(6))).items]
    error = await refused(fleet.reserve([tag], day(5), day(6)))
    assert error.extra["conflicts"][0]["reason"] == "maintenance"

    back = await client.post(
        f"/api/v1/items/{tag}/status", json={"status": "available"}, headers=headers
    )
    assert back.json()["status"] == "available"
    assert (await fleet.reserve([tag], day(1), day(2))).status == "reserved"


async def test_a_device_cannot_be_put_in_maintenance_over_its_reservations(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    tag = fleet.tags[0]
    loan = await fleet.reserve([tag], day(3), day(4))
    response = await client.post(
        f"/api/v1/items/{tag}/status",
        json={"status": "maintenance"},
        headers=await fleet.world.staff.bearer(),
    )
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["loan"] == loan.number
