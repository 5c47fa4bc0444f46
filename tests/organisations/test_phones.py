"""One reading of a phone number (organisations.editing.e164) for what is saved and what the open
data publishes, one way of showing it (passnum.fr.format_phone): an overseas number is accepted,
shown as the French write it and published with its own country code."""

from __future__ import annotations

from organisations.tables import Organisation
from tests.factories import text_of


async def publishable_site(world, **extra) -> None:
    await Organisation.update(
        {
            Organisation.siret: "73282932000074",
            Organisation.address: "1 place de la Mairie",
            Organisation.postcode: "50500",
            **{getattr(Organisation, k): v for k, v in extra.items()},
        }
    ).where(Organisation.id == world.site_id)


async def test_an_overseas_number_is_saved_shown_and_published_with_its_own_code(client, world):
    await publishable_site(world)
    saved = await client.patch(
        f"/api/v1/organisations/{world.site_id}",
        json={"phone": "0590 12 34 56"},
        headers=await world.staff.bearer(),
    )
    assert saved.status_code == 200, saved.text
    org = await Organisation.objects().get(Organisation.id == world.site_id)
    assert org.phone == "+590590123456"
    assert "05 90 12 34 56" in text_of((await client.get("/lieux")).text)
    [record] = (await client.get("/lieux/donnees.json")).json()
    assert record["telephone"] == "+590590123456"


async def test_the_open_data_reads_older_numbers_with_the_same_rule(client, world):
    # Typed before numbers were stored in E.164; a number abroad is not in the schema's pattern.
    for stored, published in [
        ("02 33 05 55 50", "+33233055550"),
        ("0694 12 34 56", "+594694123456"),
        ("+44 20 7946 0958", ""),
        ("pas de téléphone", ""),
    ]:
        await publishable_site(world, phone=stored)
        [record] = (await client.get("/lieux/donnees.json")).json()
        assert record["telephone"] == published, stored
