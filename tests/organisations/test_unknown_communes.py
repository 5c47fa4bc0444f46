"""An organisation's address names a real commune: an unknown INSEE code is refused by the API and
the staff page, in French with the stable code ``unknown_commune``."""

from __future__ import annotations

from html import unescape

from organisations.tables import Organisation
from tests.factories import login, post_form


async def test_the_api_refuses_an_organisation_in_an_unknown_commune(client, world) -> None:
    response = await client.post(
        "/api/v1/organisations",
        json={"name": "Mairie fantôme", "roles": ["site"], "insee_code": "99999"},
        headers=await world.staff.bearer(),
    )
    assert response.status_code == 422, response.text
    assert (response.json()["error"], response.json()["field"]) == ("unknown_commune", "insee_code")
    assert not await Organisation.exists().where(Organisation.name == "Mairie fantôme")


async def test_the_staff_page_refuses_it_in_french_and_fills_the_commune_name(client, world):
    await login(client, world.staff)
    form = {"name": "Mairie fantôme", "kind": "association", "roles": "site"}
    form["siret"] = "73282932000074"
    refused = await post_form(client, "/staff/organisations/", {**form, "insee_code": "99999"})
    assert refused.status_code == 422
    assert "La commune « 99999 » est inconnue" in unescape(refused.text)
    await post_form(client, "/staff/organisations/", {**form, "insee_code": "coutances"})
    saved = await Organisation.select().where(Organisation.name == "Mairie fantôme").first()
    assert (saved["insee_code"], saved["commune"]) == ("50147", "Coutances")
