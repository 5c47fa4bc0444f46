"""Opening a maintenance over booked days lists the bookings affected with the devices free to
take their place; staff move each booking, then the maintenance opens."""

from __future__ import annotations

import html

from litestar.testing import AsyncTestClient

from equipment.loans import get_loan
from tests.equipment.conftest import Fleet, day
from tests.factories import login, post_form, text_of


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


async def test_on_the_device_page_staff_move_the_reservation_with_one_button_then_open_it(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    broken, spare = fleet.tags[1], fleet.tags[2]  # two tablets
    loan = await fleet.reserve([broken], day(2), day(4))
    await login(client, fleet.world.staff)
    wanted = {
        "start_date": day(1).isoformat(),
        "end_date": day(6).isoformat(),
        "description": "Écran fissuré",
    }
    refused = await post_form(client, f"/i/{broken}/maintenance", wanted)
    assert refused.status_code == 409
    page = text_of(html.unescape(refused.text))
    assert "Déplacer les réservations sur un autre appareil" in page
    assert f"Déplacer le prêt {loan.number} sur {spare}" in page

    moved = await post_form(
        client,
        f"/loans/{loan.number}/appareils",
        {"item": spare, "replaces": broken, "next": f"/i/{broken}"},
    )
    assert moved.status_code == 200 and str(moved.url.path) == f"/i/{broken}"
    assert "Réservation déplacée" in html.unescape(moved.text)
    assert [i.item for i in (await get_loan(loan.number)).items] == [spare]
    opened = await post_form(client, f"/i/{broken}/maintenance", wanted)
    assert opened.status_code == 200 and "Maintenance enregistrée" in opened.text
