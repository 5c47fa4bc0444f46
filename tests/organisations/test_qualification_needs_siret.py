"""A site is qualified only with a SIRET or, for an association without one, an RNA number: the
same rule when staff create an organisation (API and page) as when they edit one."""

from __future__ import annotations

from html import unescape

from organisations.tables import Organisation
from tests.factories import login, post_form


async def create(client, world, **body):
    return await client.post("/api/v1/organisations", json=body, headers=await world.staff.bearer())


async def test_a_site_without_siret_or_rna_is_not_created_qualified(client, world):
    for body in (
        {"name": "Mairie de Lessay", "roles": ["site"]},
        {"name": "Mairie de Lessay", "roles": ["site"], "site_status": "qualified"},
    ):
        response = await create(client, world, **body)
        assert response.status_code == 409, response.text
        assert (response.json()["error"], response.json()["field"]) == (
            "qualification_needs_siret",
            "siret",
        )
        assert "SIRET" in response.json()["message"]
    assert not await Organisation.exists().where(Organisation.name == "Mairie de Lessay")


async def test_a_siret_or_an_associations_rna_qualifies_it(client, world):
    with_siret = await create(
        client, world, name="Mairie de Lessay", roles=["site"], siret="732 829 320 00074"
    )
    assert with_siret.status_code == 201, with_siret.text
    assert with_siret.json()["site_status"] == "qualified"
    with_rna = await create(
        client,
        world,
        name="Les Amis du numérique",
        kind="association",
        roles=["site"],
        rna="W502001234",
        legal_representative="Mme Anne Leroy, présidente",
    )
    assert with_rna.status_code == 201, with_rna.text
    assert (with_rna.json()["site_status"], with_rna.json()["rna"]) == ("qualified", "W502001234")
    assert with_rna.json()["legal_representative"] == "Mme Anne Leroy, présidente"
    # organisations that are not sites need neither
    prescriber = await create(client, world, name="CCAS de Lessay", roles=["prescriber"])
    assert prescriber.status_code == 201, prescriber.text


async def test_the_staff_page_says_so_in_french(client, world):
    await login(client, world.staff)
    refused = await post_form(
        client, "/staff/organisations/", {"name": "Mairie de Lessay", "roles": "site"}
    )
    assert refused.status_code == 409
    assert "ne peut être qualifié sans SIRET" in unescape(refused.text)
    assert not await Organisation.exists().where(Organisation.name == "Mairie de Lessay")
