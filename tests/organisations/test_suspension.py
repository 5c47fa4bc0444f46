"""Staff suspend a qualified site and qualify it again: scans refused meanwhile with whom to call,
the site leaves the directory and the open data, its past redemptions stay; audited, e-mailed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from organisations.tables import Organisation
from passnum import tasks
from passnum.clock import today
from passnum.tables import AuditEntry
from tests.vouchers.conftest import Scene, allocate, codes_of, hand_out, make_batch, numbers_of

SIRET = "73282932000074"


@pytest.fixture
async def scene(world) -> Scene:
    batch = await make_batch(world, count=4)
    numbers = await numbers_of(batch)
    await allocate(world, batch, world.prescriber_org_id, 2)
    await hand_out(world.prescriber, numbers[0])
    return Scene(world, batch, numbers[0], numbers[1], numbers[3], await codes_of(numbers[0]))


async def redeem(client, person, code):
    return await client.post(
        "/api/v1/redemptions",
        json={"code": code, "activity": "individual"},
        headers=await person.bearer(),
    )


async def give_siret(client, world, siret=SIRET):
    response = await client.patch(
        f"/api/v1/organisations/{world.site_id}",
        json={"siret": siret, "email": "accueil@terre-et-marais.test"},
        headers=await world.staff.bearer(),
    )
    assert response.status_code == 200, response.text


async def suspend(client, world, **body):
    return await client.post(
        f"/api/v1/organisations/{world.site_id}/suspension",
        json={"reason": "Chèques acceptés sans séance", **body},
        headers=await world.staff.bearer(),
    )


async def test_a_suspended_site_cannot_scan_and_leaves_the_directory_until_requalified(
    client, scene, smtp_server
):
    world = scene.world
    await give_siret(client, world)
    assert (await redeem(client, world.site_agent, scene.codes[0])).status_code == 201

    response = await suspend(client, world, **{"from": today().isoformat()})
    assert response.status_code == 200, response.text
    assert response.json()["organisation"]["site_status"] == "suspended"
    assert response.json()["site_notified_by_email"] is True

    refused = await redeem(client, world.site_agent, scene.codes[1])
    assert (refused.status_code, refused.json()["error"]) == (403, "site_not_qualified")
    assert "appelez le Département au 02 33 05 55 50" in refused.json()["message"]
    assert "Mairie de Terre-et-Marais" not in (await client.get("/lieux")).text
    names = {r["nom"] for r in (await client.get("/lieux/donnees.json")).json()}
    assert "Mairie de Terre-et-Marais" not in names
    redeemed = await client.get("/api/v1/redemptions", headers=await world.site_agent.bearer())
    assert len(redeemed.json()) == 1  # the past redemption is still the site's

    await tasks.work_until_idle()  # the notice goes through the queue
    [message] = smtp_server.messages
    assert message["To"] == "accueil@terre-et-marais.test"
    assert "suspendue" in message["Subject"]
    assert "Chèques acceptés sans séance" in message.get_body().get_content()

    response = await client.delete(
        f"/api/v1/organisations/{world.site_id}/suspension", headers=await world.staff.bearer()
    )
    assert response.status_code == 200, response.text
    assert response.json()["organisation"]["site_status"] == "qualified"
    assert (await redeem(client, world.site_agent, scene.codes[1])).status_code == 201
    assert "Mairie de Terre-et-Marais" in (await client.get("/lieux")).text
    await tasks.work_until_idle()
    assert "rétablie" in smtp_server.messages[1]["Subject"]
    actions = [e["action"] for e in await AuditEntry.select(AuditEntry.action)]
    assert "suspend" in actions and "requalify" in actions


async def test_without_smtp_the_suspension_is_made_and_says_no_mail_went(client, world):
    await give_siret(client, world)
    response = await suspend(client, world)
    assert response.status_code == 200
    assert response.json()["site_notified_by_email"] is False
    assert response.json()["organisation"]["suspended_from"] == today().isoformat()


async def test_a_suspension_needs_a_reason_and_cannot_start_tomorrow(client, world):
    response = await suspend(client, world, reason=" ")
    assert (response.status_code, response.json()["error"]) == (422, "invalid")
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = await suspend(client, world, **{"from": tomorrow})
    assert (response.status_code, response.json()["error"]) == (422, "suspension_in_future")


async def test_a_site_without_siret_or_rna_cannot_be_qualified_again(client, world):
    # a site qualified before the rule, without SIRET
    await Organisation.update({Organisation.siret: None}).where(Organisation.id == world.site_id)
    response = await suspend(client, world)
    assert response.status_code == 200
    response = await client.delete(
        f"/api/v1/organisations/{world.site_id}/suspension", headers=await world.staff.bearer()
    )
    assert (response.status_code, response.json()["error"]) == (409, "qualification_needs_siret")


async def test_only_staff_suspend_and_a_site_agent_cannot(client, world):
    response = await client.post(
        f"/api/v1/organisations/{world.site_id}/suspension",
        json={"reason": "x"},
        headers=await world.site_agent.bearer(),
    )
    assert response.status_code == 403
