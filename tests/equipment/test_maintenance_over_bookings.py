"""Opening a maintenance over booked days lists the bookings affected with the devices free to
take their place; staff move each booking, then the maintenance opens."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.equipment.conftest import Fleet, day


async def test_a_maintenance_over_a_reservation_offers_free_devices_to_move_it_to(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = await fleet.world.staff.bearer()
    broken, spare = fleet.tags[1], fleet.tags[2]  # two tablets
    loan = await fleet.reserve([broken], day(2), day(4))
    wanted = {"item": broken, "start_date": day(1).isoformat(), "end_date": day(6).isoformat()}
    refused = await client.post("/api/v1/maintenance", json=wanted, headers=headers)
    assert refused.status_code == 409
    body = refused.json()
    (affected,) = body["conflicts"]
    assert affected["loan"] == loan.number and affected["free_devices"] == [spare]
    assert loan.number in body["message"] and f"libres : {spare}" in body["message"]

    moved = await client.post(
        f"/api/v1/loans/{loan.number}/items",
        json={"item": affected["free_devices"][0], "replaces": broken},
        headers=headers,
    )
    assert moved.status_code in (200, 201), moved.text
    opened = await client.post("/api/v1/maintenance", json=wanted, headers=headers)
    assert opened.status_code == 201, opened.text
