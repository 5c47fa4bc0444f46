"""The waiting list moves whenever devices free up, not only on returns and cancellations.

A request that could not be met waits; each way staff free a device over its dates offers it
(status back to ``pending``, the contact e-mailed): a device taken out of a reservation, a
repair ended early, a device back in service, a new device in the fleet, a busy device swapped
out of a kit someone waits for, and an offered request declined (the next one gets its turn).
"""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from equipment.tables import LoanRequest
from passnum import tasks
from tests.equipment.conftest import Fleet, day
from tests.equipment.test_loan_requests import wednesday_workshop
from tests.smtp_server import SmtpServer


async def ask_for_tablets(client: AsyncTestClient, fleet: Fleet, count: int = 2) -> int:
    asked = await client.post(
        "/api/v1/loan-requests",
        json={**wednesday_workshop(), "types": {"tablet": count}},
        headers=await fleet.world.borrower.bearer(),
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "waiting"
    return asked.json()["id"]


async def status_of(request_id: int) -> str:
    await tasks.work_until_idle()
    row = await LoanRequest.select(LoanRequest.status).where(LoanRequest.id == request_id).first()
    assert row is not None
    return row["status"]


async def offers(smtp_server: SmtpServer) -> list[str]:
    await tasks.work_until_idle()
    return [m["To"] for m in smtp_server.messages if "s'est libéré" in m["Subject"]]


async def test_a_device_taken_out_of_a_reservation_offers_the_waiting_request(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    taken = await fleet.reserve(
        [fleet.tags[0], fleet.tags[1]], day(7), day(10), borrower_id=fleet.other_borrower_id
    )
    request_id = await ask_for_tablets(client, fleet)
    removed = await client.delete(
        f"/api/v1/loans/{taken.number}/items/{fleet.tags[1]}",
        headers=await fleet.world.staff.bearer(),
    )
    assert removed.status_code == 200, removed.text
    assert await status_of(request_id) == "pending"
    assert await offers(smtp_server) == ["claire.lebrun@tessy.test"]


async def test_a_repair_ended_early_offers_the_waiting_request(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    staff = await fleet.world.staff.bearer()
    repair = await client.post(
        "/api/v1/maintenance",
        json={"item": fleet.tags[1], "start_date": day(0).isoformat(), "description": "Écran"},
        headers=staff,
    )
    assert repair.status_code == 201, repair.text
    request_id = await ask_for_tablets(client, fleet)
    closed = await client.post(
        f"/api/v1/maintenance/{repair.json()['id']}/close",
        json={"end_date": day(1).isoformat()},
        headers=staff,
    )
    assert closed.status_code == 200, closed.text
    assert await status_of(request_id) == "pending"
    assert await offers(smtp_server) == ["claire.lebrun@tessy.test"]


async def test_a_device_back_in_service_offers_the_waiting_request(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    staff = await fleet.world.staff.bearer()
    url = f"/api/v1/items/{fleet.tags[1]}/status"
    retired = await client.post(url, json={"status": "retired", "note": "Égaré"}, headers=staff)
    assert retired.status_code == 200, retired.text
    request_id = await ask_for_tablets(client, fleet)
    back = await client.post(url, json={"status": "available", "note": "Retrouvé"}, headers=staff)
    assert back.status_code == 200, back.text
    assert await status_of(request_id) == "pending"
    assert await offers(smtp_server) == ["claire.lebrun@tessy.test"]


async def test_a_new_device_in_the_fleet_offers_the_waiting_request(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    request_id = await ask_for_tablets(client, fleet, count=3)  # the fleet has two tablets
    bought = await client.post(
        "/api/v1/items",
        json={"item_type": "tablet", "serial": "NEUVE-001", "brand": "Samsung"},
        headers=await fleet.world.staff.bearer(),
    )
    assert bought.status_code == 201, bought.text
    assert await status_of(request_id) == "pending"
    assert await offers(smtp_server) == ["claire.lebrun@tessy.test"]


async def test_an_offered_request_declined_gives_the_next_waiting_request_its_turn(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    taken = await fleet.reserve(
        fleet.tags[1:3], day(7), day(10), borrower_id=fleet.other_borrower_id
    )
    first = await ask_for_tablets(client, fleet)
    second = await ask_for_tablets(client, fleet)
    staff = await fleet.world.staff.bearer()
    await client.post(f"/api/v1/loans/{taken.number}/cancel", headers=staff)
    assert (await status_of(first), await status_of(second)) == ("pending", "waiting")
    declined = await client.post(
        f"/api/v1/loan-requests/{first}/decision",
        json={"decision": "decline", "reason": "Atelier annulé par téléphone"},
        headers=staff,
    )
    assert declined.status_code == 200, declined.text
    assert await status_of(second) == "pending"
    assert len(await offers(smtp_server)) == 2


async def test_staff_are_told_when_a_waiting_request_comes_back_to_them(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    taken = await fleet.reserve(
        fleet.tags[1:3], day(7), day(10), borrower_id=fleet.other_borrower_id
    )
    request_id = await ask_for_tablets(client, fleet)
    await tasks.work_until_idle()
    [new] = [m for m in smtp_server.messages if m["To"] == fleet.world.staff.email]
    assert "liste d'attente" in new.get_body().get_content()
    smtp_server.messages.clear()
    await client.post(
        f"/api/v1/loans/{taken.number}/cancel", headers=await fleet.world.staff.bearer()
    )
    assert await status_of(request_id) == "pending"
    [told] = [m for m in smtp_server.messages if m["To"] == fleet.world.staff.email]
    assert told["Subject"] == (
        f"Demande de matériel n° {request_id} à traiter : le matériel est libre"
    )
    body = told.get_body().get_content()
    assert "Mairie de Tessy-Bocage" in body and "2 × Tablette" in body
    assert "/equipment/demandes" in body


async def test_a_busy_device_swapped_out_of_a_kit_offers_the_waiting_request_for_that_kit(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    staff = await fleet.world.staff.bearer()
    kit = await client.post(
        "/api/v1/kits", json={"name": "Valise 2 tablettes", "items": fleet.tags[1:3]}, headers=staff
    )
    assert kit.status_code == 201, kit.text
    await fleet.reserve([fleet.tags[2]], day(7), day(10), borrower_id=fleet.other_borrower_id)
    asked = await client.post(
        "/api/v1/loan-requests",
        json={**wednesday_workshop(), "types": {}, "kits": [kit.json()["id"]]},
        headers=await fleet.world.borrower.bearer(),
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "waiting"
    bought = await client.post(
        "/api/v1/items", json={"item_type": "tablet", "serial": "NEUVE-002"}, headers=staff
    )
    assert bought.status_code == 201, bought.text
    assert await status_of(asked.json()["id"]) == "waiting"  # a new device, but not in the kit
    swapped = await client.put(
        f"/api/v1/kits/{kit.json()['id']}",
        json={"name": "Valise 2 tablettes", "items": [fleet.tags[1], bought.json()["asset_tag"]]},
        headers=staff,
    )
    assert swapped.status_code == 200, swapped.text
    assert await status_of(asked.json()["id"]) == "pending"
    assert await offers(smtp_server) == ["claire.lebrun@tessy.test"]
