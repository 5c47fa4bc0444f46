"""Where a cheque is accepted, as its status (API and page) tells whoever holds it."""

from __future__ import annotations

from datetime import time

from organisations.tables import OpeningSlot
from tests.vouchers.conftest import allocate, codes_of, hand_out, make_batch, numbers_of
from tests.vouchers.pages_helpers import seen


async def _code(world, **batch) -> str:
    made = await make_batch(world, count=1, **batch)
    await allocate(world, made, world.prescriber_org_id, 1)
    number = (await numbers_of(made))[0]
    await hand_out(world.prescriber, number)
    return (await codes_of(number))[0]


async def _slots(site_id: int) -> None:
    await OpeningSlot.insert(
        OpeningSlot(organisation=site_id, weekday=2, opens=time(9), closes=time(12)),
        OpeningSlot(
            organisation=site_id, weekday=0, opens=time(14), closes=time(17, 30), note="sur RDV"
        ),
    )


async def test_a_cheque_for_one_site_and_one_commune_lists_those_sites_with_their_hours(
    client, world
):
    await _slots(world.site_id)
    code = await _code(
        world, allowed_site_ids=[world.site_id], allowed_insee_codes=["50394"]
    )  # Terre-et-Marais by site, Périers by commune
    data = (await client.get(f"/api/v1/cheques/{code}")).json()
    assert data["accepted_everywhere"] is False
    assert [(s["name"], s["opening_slots"]) for s in data["accepted_sites"]] == [
        ("Bibliothèque de Périers", ""),
        ("Mairie de Terre-et-Marais", "lundi 14 h–17 h 30 (sur RDV), mercredi 09 h–12 h"),
    ]
    page = seen(await client.get(f"/c/{code}"))
    assert "Bibliothèque de Périers" in page and "mercredi 09 h–12 h" in page


async def test_a_cheque_restricted_to_a_commune_does_not_list_the_other_sites(client, world):
    code = await _code(world, allowed_insee_codes=["50394"])
    data = (await client.get(f"/api/v1/cheques/{code}")).json()
    assert [s["name"] for s in data["accepted_sites"]] == ["Bibliothèque de Périers"]


async def test_a_cheque_valid_everywhere_sends_its_reader_to_the_directory(client, world):
    code = await _code(world)
    data = (await client.get(f"/api/v1/cheques/{code}")).json()
    assert data["accepted_everywhere"] is True
    assert data["accepted_sites"] == []  # every site of the territory, nationally 5,000
    assert data["directory_url"].endswith("/lieux")
    response = await client.get(f"/c/{code}")
    assert 'href="/lieux"' in response.text
    assert "Bibliothèque de Périers" not in seen(response)
