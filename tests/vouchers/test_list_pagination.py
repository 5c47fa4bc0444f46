"""A busy prescriber or funder outgrows one page: the handed-out booklets and the print runs, on
the pages and in the API, come in pages instead of a silent cap or every row."""

from __future__ import annotations

from tests.factories import login
from tests.vouchers.conftest import allocate, hand_out, make_batch, numbers_of
from tests.vouchers.pages_helpers import seen


async def sixty_handed_out(world) -> list[str]:
    """Sixty booklets handed out by world.prescriber (oldest first) and one by another CCAS."""
    batch = await make_batch(world, count=61)
    numbers = await numbers_of(batch)
    await allocate(world, batch, world.prescriber_org_id, 60)
    await allocate(world, batch, world.other_prescriber_org_id, 1)
    for number in numbers[:60]:
        await hand_out(world.prescriber, number)
    await hand_out(world.other_prescriber, numbers[60])
    return numbers[:60]


async def test_a_prescriber_reads_handed_out_booklets_page_by_page(client, world):
    numbers = await sixty_handed_out(world)
    await login(client, world.prescriber)
    first = await client.get("/carnets/remis")
    assert first.status_code == 200
    text = seen(first)
    assert "60 carnet(s) remis, du plus récent au plus ancien, page 1 sur 2" in text
    assert numbers[59] in text and numbers[10] in text and numbers[9] not in text
    assert 'aria-label="Pages de la liste"' in first.text
    assert 'href="?page=2" rel="next"' in first.text

    second = await client.get("/carnets/remis?page=2")
    text = seen(second)
    assert "Page 2 sur 2 — 51 à 60 sur 60" in text
    assert numbers[9] in text and numbers[0] in text and numbers[10] not in text
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text

    bad = await client.get("/carnets/remis?page=deux")
    assert bad.status_code == 200
    assert "« deux » n'est pas un numéro de page : voici la page 1." in seen(bad)
    late = await client.get("/carnets/remis?page=9")
    assert late.status_code == 200
    assert "La page 9 n'existe pas" in seen(late) and "Page 2 sur 2" in seen(late)


async def test_the_handout_api_gives_slices_with_the_total_of_the_organisation(client, world):
    numbers = await sixty_handed_out(world)
    headers = await world.prescriber.bearer()
    first = await client.get("/api/v1/handouts?limit=50", headers=headers)
    assert first.status_code == 200
    assert first.headers["X-Total-Count"] == "60"
    assert [b["booklet_number"] for b in first.json()[:2]] == [numbers[59], numbers[58]]
    assert len(first.json()) == 50 and 'offset=50>; rel="next"' in first.headers["Link"]
    rest = await client.get("/api/v1/handouts?limit=50&offset=50", headers=headers)
    assert [b["booklet_number"] for b in rest.json()] == numbers[9::-1]
    assert 'rel="prev"' in rest.headers["Link"] and 'rel="next"' not in rest.headers["Link"]
    default = await client.get("/api/v1/handouts", headers=headers)
    assert len(default.json()) == 60 and "Link" not in default.headers
    for query in ("limit=0", "limit=501", "offset=-1", "offset=x"):
        bad = await client.get(f"/api/v1/handouts?{query}", headers=headers)
        assert bad.status_code == 400 and bad.json()["error"] == "invalid", query


async def sixty_batches(world) -> list[int]:
    """Sixty one-booklet print runs paid by the CAF (oldest first) and one by the Département."""
    ids = [
        (
            await make_batch(world, count=1, active=False, funder_id=world.funder_id, label=f"T{n}")
        ).id
        for n in range(60)
    ]
    await make_batch(world, count=1, active=False, label="Département")
    return ids


async def test_staff_and_funder_browse_print_runs_page_by_page(client, world):
    ids = await sixty_batches(world)
    await login(client, world.staff)
    first = await client.get("/staff/tirages")
    text = seen(first)
    assert "61 tirage(s), du plus récent au plus ancien, page 1 sur 2" in text
    assert 'href="?page=2" rel="next"' in first.text
    assert f'href="/staff/tirages/{ids[59]}"' in first.text
    assert f'href="/staff/tirages/{ids[10]}"' not in first.text
    second = await client.get("/staff/tirages?page=2")
    assert "Page 2 sur 2 — 51 à 61 sur 61" in seen(second)
    assert f'href="/staff/tirages/{ids[10]}"' in second.text
    assert f'href="/staff/tirages/{ids[0]}"' in second.text and "Nouveau tirage" in seen(second)
    bad = await client.get("/staff/tirages?page=-2")
    assert bad.status_code == 200
    assert "« -2 » n'est pas un numéro de page : voici la page 1." in seen(bad)

    await login(client, world.funder)
    mine = seen(await client.get("/financeur/tirages"))
    assert "60 tirage(s) financé(s), du plus récent au plus ancien, page 1 sur 2" in mine
    assert "T59" in mine and "T10" in mine and "T9" not in mine and "Département" not in mine
    rest = seen(await client.get("/financeur/tirages?page=2"))
    assert "Page 2 sur 2 — 51 à 60 sur 60" in rest and "T9" in rest and "T0" in rest
    late = await client.get("/financeur/tirages?page=3")
    assert late.status_code == 200 and "La page 3 n'existe pas" in seen(late)


async def test_the_batch_api_gives_slices_with_counts_for_each_batch(client, world):
    ids = await sixty_batches(world)
    headers = await world.funder.bearer()
    first = await client.get("/api/v1/batches?limit=50", headers=headers)
    assert first.status_code == 200 and first.headers["X-Total-Count"] == "60"
    assert [b["id"] for b in first.json()] == ids[:9:-1]
    assert 'offset=50>; rel="next"' in first.headers["Link"]
    rest = await client.get("/api/v1/batches?limit=50&offset=50", headers=headers)
    assert [b["id"] for b in rest.json()] == ids[9::-1]
    assert all(b["booklets_by_status"] == {"in_stock": 1} for b in rest.json())
    staff = await client.get("/api/v1/batches?limit=1", headers=await world.staff.bearer())
    assert staff.headers["X-Total-Count"] == "61" and staff.json()[0]["label"] == "Département"
    bad = await client.get("/api/v1/batches?limit=501", headers=headers)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid"
