"""A national fleet does not fit one page: the inventory, the loans and their API come in pages."""

from datetime import date, timedelta
from html import unescape

from equipment.tables import Item, Kit, KitItem, Loan, MaintenanceRecord
from tests.factories import login
from tests.factories import text_of as raw_text


def text_of(html: str) -> str:
    return unescape(raw_text(html))


async def sixty_tablets() -> list[int]:
    rows = [
        Item(
            item_type="tablet",
            brand="Samsung",
            model="Tab",
            serial=f"SN-{n:03d}",
            asset_tag=f"MAN-{n:05d}",
        )
        for n in range(60)
    ]
    await Item.insert(*rows)
    return [r.id for r in rows]


async def sixty_loans(borrower_id: int) -> None:
    start = date(2026, 1, 1)
    await Loan.insert(
        *[
            Loan(
                number=f"PR-{n:05d}",
                borrower=borrower_id,
                contact_name="Claire Lebrun",
                start_date=start + timedelta(days=n),
                due_date=start + timedelta(days=n + 7),
                status="returned",
            )
            for n in range(60)
        ]
    )


async def test_staff_browse_the_inventory_page_by_page_with_filters_kept(client, world):
    await sixty_tablets()
    await login(client, world.staff)
    first = await client.get("/equipment?item_type=tablet&q=MAN")
    text = text_of(first.text)
    assert "60 appareil(s), page 1 sur 2" in text
    assert "MAN-00049" in text and "MAN-00050" not in text
    assert 'href="?item_type=tablet&amp;q=MAN&amp;page=2" rel="next"' in first.text
    second = text_of((await client.get("/equipment?item_type=tablet&q=MAN&page=2")).text)
    assert "Page 2 sur 2 — 51 à 60 sur 60" in second
    assert "MAN-00050" in second and "MAN-00059" in second and "MAN-00049" not in second
    bad = await client.get("/equipment?page=x")
    assert bad.status_code == 200
    assert "« x » n'est pas un numéro de page : voici la page 1." in text_of(bad.text)


async def test_staff_browse_loans_newest_first_page_by_page(client, world):
    await sixty_loans(world.borrower_id)
    await login(client, world.staff)
    first = text_of((await client.get("/equipment/loans?status=returned")).text)
    assert "(60, page 1 sur 2)" in first
    assert "PR-00059" in first and "PR-00010" in first and "PR-00009" not in first
    second = await client.get("/equipment/loans?status=returned&page=2")
    text = text_of(second.text)
    assert "PR-00009" in text and "PR-00000" in text and "PR-00010" not in text
    assert 'href="?status=returned&amp;page=1" rel="prev"' in second.text
    late = await client.get("/equipment/loans?page=7")
    assert late.status_code == 200
    assert "La page 7 n'existe pas" in text_of(late.text)


async def test_the_fleet_api_lists_come_in_slices(client, world):
    ids = await sixty_tablets()
    await sixty_loans(world.borrower_id)
    await MaintenanceRecord.insert(
        *[MaintenanceRecord(item=i, start_date=date(2026, 2, 1)) for i in ids]
    )
    headers = await world.staff.bearer()
    for url in ("/api/v1/items", "/api/v1/loans", "/api/v1/maintenance"):
        first = await client.get(f"{url}?limit=50", headers=headers)
        assert first.status_code == 200, url
        assert first.headers["X-Total-Count"] == "60", url
        assert len(first.json()) == 50 and 'rel="next"' in first.headers["Link"]
        rest = await client.get(f"{url}?limit=50&offset=50", headers=headers)
        assert len(rest.json()) == 10, url
        bad = await client.get(f"{url}?offset=x", headers=headers)
        assert bad.status_code == 400 and bad.json()["error"] == "invalid", url
    loans = (await client.get("/api/v1/loans?limit=2", headers=headers)).json()
    assert [loan["number"] for loan in loans] == ["PR-00059", "PR-00058"]


async def test_the_kit_api_comes_in_slices_with_each_kit_s_devices(client, world):
    ids = await sixty_tablets()
    kits = [Kit(name=f"Valise {n:02d}") for n in range(60)]
    await Kit.insert(*kits)
    await KitItem.insert(*[KitItem(kit=kit.id, item=i) for kit, i in zip(kits, ids, strict=True)])
    headers = await world.staff.bearer()
    first = await client.get("/api/v1/kits?limit=50", headers=headers)
    assert first.status_code == 200 and first.headers["X-Total-Count"] == "60"
    assert len(first.json()) == 50 and 'offset=50>; rel="next"' in first.headers["Link"]
    assert first.json()[0] == {
        "id": kits[0].id,
        "name": "Valise 00",
        "notes": "",
        "items": ["MAN-00000"],
    }
    rest = await client.get("/api/v1/kits?limit=50&offset=50", headers=headers)
    assert [k["name"] for k in rest.json()] == [f"Valise {n}" for n in range(50, 60)]
    assert rest.json()[-1]["items"] == ["MAN-00059"] and 'rel="next"' not in rest.headers["Link"]
    bad = await client.get("/api/v1/kits?limit=-5", headers=headers)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid"
