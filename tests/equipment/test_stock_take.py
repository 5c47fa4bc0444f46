"""Staff audit the shelf: a device not scanned is missing, one on loan but scanned is flagged."""

from __future__ import annotations

import html

from litestar.testing import AsyncTestClient

from equipment import schemas
from equipment.handover import check_out_loan
from equipment.labels import item_url
from passnum.fr import format_date
from tests.equipment.conftest import TODAY, Fleet, day
from tests.factories import login
from tests.openapi_check import assert_documented


async def test_a_device_not_scanned_is_listed_missing(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = await fleet.world.staff.bearer()
    loan = await fleet.reserve([fleet.tags[3]], TODAY, day(3))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=fleet.tags[3])])
    take = (await client.post("/api/v1/stock-takes", headers=headers)).json()
    url = f"/api/v1/stock-takes/{take['id']}/scans"
    await client.post(url, json={"code": item_url(fleet.tags[0])}, headers=headers)  # phone, QR
    await client.post(url, json={"code": fleet.tags[1].lower()}, headers=headers)  # hand scanner
    await client.post(url, json={"code": fleet.tags[3]}, headers=headers)  # marked on loan
    report = (await client.get(f"/api/v1/stock-takes/{take['id']}", headers=headers)).json()
    assert report["seen"] == sorted([fleet.tags[0], fleet.tags[1], fleet.tags[3]])
    assert fleet.tags[2] in report["missing"] and fleet.tags[0] not in report["missing"]
    assert report["seen_but_marked_elsewhere"] == [fleet.tags[3]]
    seen = (await client.get(f"/api/v1/items/{fleet.tags[0]}/last-seen", headers=headers)).json()
    assert seen["last_seen"] is not None
    never = (await client.get(f"/api/v1/items/{fleet.tags[2]}/last-seen", headers=headers)).json()
    assert never["last_seen"] is None
    await login(client, fleet.world.staff)
    assert f"Vu à l'inventaire : le {format_date(TODAY)}" in html.unescape(
        (await client.get(f"/i/{fleet.tags[0]}")).text
    )
    assert "Vu à l'inventaire : jamais" in html.unescape(
        (await client.get(f"/i/{fleet.tags[2]}")).text
    )


async def test_every_stock_take_answer_is_what_the_openapi_document_describes(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = await fleet.world.staff.bearer()
    opened = await assert_documented(
        client, await client.post("/api/v1/stock-takes", headers=headers)
    )
    url = f"/api/v1/stock-takes/{opened['id']}"
    scanned = await client.post(f"{url}/scans", json={"code": fleet.tags[0]}, headers=headers)
    assert (await assert_documented(client, scanned))["seen"] == [fleet.tags[0]]
    closed = await assert_documented(client, await client.post(f"{url}/close", headers=headers))
    assert closed["closed_at"] is not None
    await assert_documented(client, await client.get(url, headers=headers))
    [listed] = await assert_documented(
        client, await client.get("/api/v1/stock-takes", headers=headers)
    )
    assert listed["counts"] == {
        "seen": 1,
        "missing": len(closed["missing"]),
        "seen_but_marked_elsewhere": 0,
    }
    for tag in fleet.tags[:2]:  # seen, never seen
        seen = await client.get(f"/api/v1/items/{tag}/last-seen", headers=headers)
        await assert_documented(client, seen)
