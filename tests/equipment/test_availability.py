"""What is free when: search, calendar data and the staff iCal feed."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from equipment import schemas
from equipment.availability import calendar, find_available
from equipment.maintenance import schedule_maintenance
from tests.equipment.conftest import Fleet, day


async def test_search_counts_free_items_per_type(fleet: Fleet) -> None:
    await fleet.reserve([fleet.tags[1]], day(3), day(6))
    busy = await find_available(day(5), day(8), "tablet")
    assert busy.free_by_type["tablet"] == 1
    assert [i.asset_tag for i in busy.items] == [fleet.tags[2]]
    later = await find_available(day(7), day(8))
    assert later.free_by_type == {
        "laptop": 1,
        "tablet": 2,
        "smartphone": 0,
        "hotspot": 1,
        "projector": 0,
        "other": 0,
    }


async def test_calendar_rows_show_loans_and_maintenance(fleet: Fleet) -> None:
    loan = await fleet.reserve([fleet.tags[1]], day(1), day(3))
    await schedule_maintenance(
        fleet.staff, schemas.MaintenanceIn(item=fleet.tags[2], start_date=day(2), end_date=day(4))
    )
    view = await calendar("tablet", day(0), weeks=2)
    assert len(view.days) == 14 and view.days[0].weekday() == 0
    rows = {r.item: r for r in view.rows}
    assert rows[fleet.tags[1]].segments[0].loan == loan.number
    assert rows[fleet.tags[1]].segments[0].borrower == "Mairie de Tessy-Bocage"
    assert rows[fleet.tags[2]].segments[0].reason == "maintenance"


async def test_staff_subscribe_to_bookings_with_a_secret_ical_address(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    loan = await fleet.reserve([fleet.tags[0]], day(2), day(4))
    headers = await fleet.world.staff.bearer()
    url = (await client.get("/api/v1/fleet/ical-url", headers=headers)).json()["url"]
    path = url.removeprefix("https://passnum.test")
    feed = await client.get(path)
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"  # the charset once
    text = feed.text
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert f"DTSTART;VALUE=DATE:{day(2):%Y%m%d}" in text
    assert f"DTEND;VALUE=DATE:{day(5):%Y%m%d}" in text
    assert f"Prêt {loan.number}" in text
    unfolded = text.replace("\r\n ", "")
    assert "Statut : Réservé" in unfolded and "reserved" not in unfolded  # French, not the code
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert (await client.get(path.replace("-", "-0", 1))).status_code == 404
    prescriber_id = fleet.world.prescriber.user_id
    forged = path.replace(f"/{fleet.world.staff.user_id}-", f"/{prescriber_id}-")
    assert (await client.get(forged)).status_code == 404
