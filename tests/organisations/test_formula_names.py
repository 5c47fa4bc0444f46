"""An organisation's name can never start a spreadsheet formula: its name goes into CSV files
(statements, loans, statistics) that people open in Excel, so `=`, `+`, `-` or `@` in first
place is refused when the organisation is saved — with a French message on the page and a stable
code in the API."""

from __future__ import annotations

from html import unescape

import pytest

from organisations.tables import Organisation
from tests.factories import login, post_form

FORMULA_NAMES = ['=HYPERLINK("http://pirate.test";"Mairie")', "+33 Mairie", "-Mairie", "@Mairie"]


@pytest.mark.parametrize("name", FORMULA_NAMES)
async def test_the_api_refuses_a_name_a_spreadsheet_would_run(client, world, name) -> None:
    response = await client.post(
        "/api/v1/organisations",
        json={"name": name, "roles": ["site"]},
        headers=await world.staff.bearer(),
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "name_formula" and body["field"] == "name"
    assert "tableur" in body["message"]
    assert not await Organisation.exists().where(Organisation.name == name)


async def test_a_tab_before_the_formula_does_not_get_it_through(client, world) -> None:
    response = await client.post(
        "/api/v1/organisations",
        json={"name": "\t=1+1", "roles": ["site"]},
        headers=await world.staff.bearer(),
    )
    assert response.status_code == 422 and response.json()["error"] == "name_formula"


async def test_the_staff_page_explains_in_french_and_keeps_what_was_typed(client, world) -> None:
    await login(client, world.staff)
    response = await post_form(
        client, "/staff/organisations/", {"name": "=1+1", "kind": "association", "roles": "site"}
    )
    assert response.status_code == 422
    text = unescape(response.text)
    assert "Le nom ne peut pas commencer par" in text and "=1+1" in text
    assert not await Organisation.exists().where(Organisation.name == "=1+1")


async def test_a_sign_inside_the_name_is_fine(client, world) -> None:
    response = await client.post(
        "/api/v1/organisations",
        json={"name": "Espace public numérique - Lessay @ médiathèque", "roles": ["prescriber"]},
        headers=await world.staff.bearer(),
    )
    assert response.status_code == 201, response.text
