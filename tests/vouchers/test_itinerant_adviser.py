"""An itinerant digital adviser holds permanences at three sites and redeems cheques at each."""

from __future__ import annotations

from organisations.memberships import add_membership
from passnum.auth import Role
from tests.factories import login, make_organisation
from tests.vouchers.test_pages_scanner import result_of, scan
from vouchers.tables import Cheque


async def test_the_adviser_redeems_one_cheque_at_each_of_three_sites(client, scene) -> None:
    world = scene.world
    third = await make_organisation("Médiathèque de Lessay", "site", insee_code="50267")
    adviser = world.site_agent
    await add_membership(adviser.user_id, world.other_site_id, Role.site_agent)
    await add_membership(adviser.user_id, third, Role.site_agent)
    await login(client, adviser)
    sites = [world.site_id, world.other_site_id, third]
    for code, site in zip(scene.codes, sites, strict=False):
        response = await scan(client, code, site_id=str(site))
        assert result_of(response) == "redeemed"
    rows = await Cheque.select(Cheque.code, Cheque.site).where(Cheque.code.is_in(scene.codes[:3]))
    assert {r["code"]: r["site"] for r in rows} == dict(zip(scene.codes, sites, strict=False))


async def test_the_api_redeems_at_the_site_named_in_the_request(client, scene) -> None:
    world = scene.world
    adviser = world.site_agent
    await add_membership(adviser.user_id, world.other_site_id, Role.site_agent)
    headers = await adviser.bearer()
    response = await client.post(
        "/api/v1/redemptions",
        json={"code": scene.codes[0], "activity": "individual", "site_id": world.other_site_id},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    row = await Cheque.select(Cheque.site).where(Cheque.code == scene.codes[0]).first()
    assert row["site"] == world.other_site_id
