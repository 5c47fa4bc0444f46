"""An organisation's phone is read by the one phone rule (organisations.editing.e164) on every
form people type it in; a number nobody can call is said beside the phone field, what was typed
kept, on the site's own page, staff's creation form and the public application form."""

from __future__ import annotations

from html import unescape

from organisations.tables import Organisation, SiteApplication
from tests.factories import login, post_form, text_of
from tests.organisations.test_commune_by_name import inputs
from tests.organisations.test_site_applications import APPLICATION

REFUSED = "Le numéro de téléphone « {raw} » n'est pas valide (ex. 02 33 05 55 50)."


def beside(html: str, field_id: str) -> str:
    """The phone field and what follows it, up to the next label."""
    return html.split(f'id="{field_id}"')[1].split("<label")[0]


async def test_a_site_agent_typing_no_number_is_told_beside_the_phone_field(client, world):
    await login(client, world.site_agent)
    page = await client.get(f"/lieux/{world.site_id}/coordonnees")
    fields = inputs(page.text)

    sent = await post_form(
        client, f"/lieux/{world.site_id}/coordonnees", {**fields, "phone": "pas de tel"}
    )

    assert sent.status_code == 422
    field = beside(sent.text, "f-phone")
    assert 'value="pas de tel"' in field and 'aria-invalid="true"' in field
    assert REFUSED.format(raw="pas de tel") in unescape(text_of(field))
    org = await Organisation.objects().get(Organisation.id == world.site_id)
    assert org.phone != "pas de tel"


async def test_staff_creating_an_organisation_are_told_beside_the_phone_field(client, world):
    await login(client, world.staff)
    await client.get("/staff/organisations")

    sent = await post_form(
        client,
        "/staff/organisations",
        {"name": "Mairie de Lessay", "kind": "mairie", "phone": "123", "roles": "borrower"},
    )

    assert sent.status_code == 422
    field = beside(sent.text, "org-phone")
    assert 'value="123"' in field and 'aria-invalid="true"' in field
    assert REFUSED.format(raw="123") in unescape(text_of(field))
    assert await Organisation.count().where(Organisation.name == "Mairie de Lessay") == 0


async def test_an_application_with_no_callable_phone_is_told_beside_the_field(client, world):
    values = {k: v for k, v in APPLICATION.items() if k != "commune"}
    values |= {"services": APPLICATION["services"], "charter_accepted": "1", "phone": "12"}

    sent = await post_form(client, "/lieux/devenir-lieu-qualifie", values)

    assert sent.status_code == 422
    field = beside(sent.text, "a-phone")
    assert 'value="12"' in field and 'aria-invalid="true"' in field
    assert REFUSED.format(raw="12") in unescape(text_of(field))
    assert await SiteApplication.count() == 0
