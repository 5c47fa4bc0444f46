"""Generated asset tags never collide with a tag typed by hand (issue 14, item 1)."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.equipment.conftest import Fleet


def device(serial: str, tag: str = "") -> dict:
    return {"item_type": "tablet", "serial": serial, "brand": "Samsung", "model": "Tab A8",
            "asset_tag": tag}  # fmt: skip


async def test_a_tag_typed_by_hand_is_skipped_by_the_generator(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = await fleet.world.staff.bearer()
    assert fleet.tags[-1] == "MAN-00004"  # the counter stands at 4
    typed = await client.post("/api/v1/items", json=device("HAND-1", "MAN-00005"), headers=headers)
    assert typed.status_code == 201, typed.text
    typed = await client.post("/api/v1/items", json=device("HAND-2", "man-00007"), headers=headers)
    assert typed.status_code == 201, typed.text

    tags = []
    for n in range(3):
        created = await client.post("/api/v1/items", json=device(f"AUTO-{n}"), headers=headers)
        assert created.status_code == 201, created.text
        tags.append(created.json()["asset_tag"])
    assert tags == ["MAN-00006", "MAN-00008", "MAN-00009"]
