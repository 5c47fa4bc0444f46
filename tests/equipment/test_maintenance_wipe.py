"""A device back with its data not wiped goes to maintenance; closing that maintenance requires
staff to confirm the wipe, through the API and on the item page."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from equipment import schemas
from equipment.handover import check_in_loan, check_out_loan
from equipment.inventory import get_item
from equipment.maintenance import list_maintenance
from tests.equipment.conftest import TODAY, Fleet, day
from tests.factories import login, post_form


async def returned_not_wiped(fleet: Fleet, tag: str) -> int:
    loan = await fleet.reserve([tag], TODAY, day(3))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=tag)])
    await check_in_loan(fleet.staff, loan.number, [schemas.ReturnLine(item=tag, data_wiped=False)])
    (record,) = await list_maintenance(tag, open_only=True)
    return record.id


async def test_closing_needs_the_wipe_confirmed_through_the_api(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    tag = fleet.tags[0]
    record_id = await returned_not_wiped(fleet, tag)
    headers = await fleet.world.staff.bearer()
    url = f"/api/v1/maintenance/{record_id}/close"
    refused = await client.post(url, json={"end_date": TODAY.isoformat()}, headers=headers)
    assert refused.status_code == 422 and refused.json()["error"] == "wipe_not_confirmed"
    assert "effacement des données" in refused.json()["message"]
    assert await list_maintenance(tag, open_only=True)
    done = await client.post(
        url, json={"end_date": TODAY.isoformat(), "data_wiped": True}, headers=headers
    )
    assert done.status_code in (200, 201), done.text
    assert await list_maintenance(tag, open_only=True) == []


async def test_a_maintenance_without_wipe_to_confirm_closes_as_before(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    tag = fleet.tags[1]
    headers = await fleet.world.staff.bearer()
    opened = await client.post(
        "/api/v1/maintenance",
        json={"item": tag, "start_date": TODAY.isoformat(), "description": "Écran"},
        headers=headers,
    )
    closed = await client.post(
        f"/api/v1/maintenance/{opened.json()['id']}/close",
        json={"end_date": TODAY.isoformat()},
        headers=headers,
    )
    assert closed.status_code in (200, 201), closed.text


async def test_the_item_page_asks_to_confirm_the_wipe(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    tag = fleet.tags[0]
    record_id = await returned_not_wiped(fleet, tag)
    await login(client, fleet.world.staff)
    page = (await client.get(f"/i/{tag}")).text
    assert 'name="data_wiped"' in page
    url = f"/i/{tag}/maintenance/{record_id}/close"
    refused = await post_form(client, url, {"end_date": TODAY.isoformat()})
    assert refused.status_code == 422 and "effacement des données" in refused.text
    await post_form(client, url, {"end_date": TODAY.isoformat(), "data_wiped": "on"})
    assert await list_maintenance(tag, open_only=True) == []
    assert (await get_item(tag)).status == "maintenance"  # its last day is today
