"""Staff change a kit's name and devices, or dissolve it; every change is in the audit history."""

from __future__ import annotations

import html

from litestar.testing import AsyncTestClient

from equipment.inventory import get_item
from passnum.tables import AuditEntry
from tests.equipment.conftest import Fleet
from tests.factories import login, post_form
from tests.factories import text_of as raw_text


async def audit_of(kit_id: int) -> list[str]:
    rows = (
        await AuditEntry.select(AuditEntry.action)
        .where((AuditEntry.entity == "kit") & (AuditEntry.entity_id == str(kit_id)))
        .order_by(AuditEntry.id)
    )
    return [r["action"] for r in rows]


async def test_staff_edit_a_kit_through_the_api(client: AsyncTestClient, fleet: Fleet) -> None:
    headers = await fleet.world.staff.bearer()
    kit = (
        await client.post(
            "/api/v1/kits", json={"name": "Valise 2", "items": fleet.tags[1:3]}, headers=headers
        )
    ).json()
    changed = await client.put(
        f"/api/v1/kits/{kit['id']}",
        json={"name": "Valise tablettes", "items": [fleet.tags[1], fleet.tags[3]], "notes": "n° 1"},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() == {
        "id": kit["id"],
        "name": "Valise tablettes",
        "notes": "n° 1",
        "items": sorted([fleet.tags[1], fleet.tags[3]]),
    }
    assert (await get_item(fleet.tags[2])).kit is None
    other = await client.post(
        "/api/v1/kits", json={"name": "Autre", "items": [fleet.tags[0]]}, headers=headers
    )
    taken = await client.put(
        f"/api/v1/kits/{kit['id']}",
        json={"name": "Valise", "items": [fleet.tags[0]]},
        headers=headers,
    )
    assert taken.status_code == 409 and taken.json()["error"] == "already_in_kit"
    clash = await client.put(
        f"/api/v1/kits/{kit['id']}", json={"name": "Autre", "items": []}, headers=headers
    )
    assert clash.status_code == 409 and clash.json()["error"] == "duplicate_kit"
    assert other.status_code == 201
    assert await audit_of(kit["id"]) == ["create", "update"]


async def test_staff_dissolve_a_kit_and_its_devices_stay(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = await fleet.world.staff.bearer()
    kit = (
        await client.post(
            "/api/v1/kits", json={"name": "Valise", "items": fleet.tags[1:3]}, headers=headers
        )
    ).json()
    gone = await client.delete(f"/api/v1/kits/{kit['id']}", headers=headers)
    assert gone.status_code == 204
    assert (await client.get(f"/api/v1/kits/{kit['id']}", headers=headers)).status_code == 404
    assert (await get_item(fleet.tags[1])).kit is None
    assert await audit_of(kit["id"]) == ["create", "dissolve"]
    again = await client.delete(f"/api/v1/kits/{kit['id']}", headers=headers)
    assert again.status_code == 404


async def test_staff_edit_and_dissolve_a_kit_on_its_page(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = await fleet.world.staff.bearer()
    kit = (
        await client.post(
            "/api/v1/kits", json={"name": "Valise", "items": fleet.tags[1:3]}, headers=headers
        )
    ).json()
    await login(client, fleet.world.staff)
    page = html.unescape(raw_text((await client.get(f"/equipment/kits/{kit['id']}")).text))
    assert "Valise" in page and fleet.tags[1] in page
    refused = await post_form(
        client, f"/equipment/kits/{kit['id']}", {"name": "", "items": fleet.tags[1]}
    )
    assert refused.status_code == 422 and "Le nom du kit est obligatoire" in refused.text
    done = await post_form(
        client,
        f"/equipment/kits/{kit['id']}",
        {"name": "Valise A", "items": f"{fleet.tags[1]}, {fleet.tags[3]}", "notes": ""},
    )
    assert "Valise A" in html.unescape(raw_text(done.text))
    assert (await get_item(fleet.tags[3])).kit == "Valise A"
    dissolved = await post_form(client, f"/equipment/kits/{kit['id']}/dissoudre", {})
    assert "Kit « Valise A » dissous" in html.unescape(raw_text(dissolved.text))
    assert (await get_item(fleet.tags[3])).kit is None
    assert await audit_of(kit["id"]) == ["create", "update", "dissolve"]
