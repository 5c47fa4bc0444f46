"""A person gives an organisation's commune by its name, never by its INSEE code: the staff edit
page and the public application form have one commune field, showing the commune's name."""

from __future__ import annotations

import re
from html import unescape

from organisations.tables import Organisation, SiteApplication
from tests.factories import login, post_form, text_of
from tests.organisations.test_site_applications import APPLICATION


def inputs(html: str) -> dict[str, str]:
    return {
        name: unescape(value)
        for name, value in re.findall(r'<input id="[^"]*" name="([^"]+)" value="([^"]*)"', html)
    }


async def test_staff_edit_the_commune_by_its_name_and_never_see_its_code(client, world):
    # A Beaumont in Haute-Savoie: eight communes in France share the name.
    await Organisation.update(
        {Organisation.insee_code: "74031", Organisation.commune: "Beaumont"}
    ).where(Organisation.id == world.site_id)
    await login(client, world.staff)
    page = await client.get(f"/lieux/{world.site_id}/coordonnees")
    fields = inputs(page.text)
    assert fields["insee_code"] == "Beaumont" and "commune" not in fields
    assert "74031" not in page.text and "Code INSEE" not in text_of(page.text)
    assert "Commune (tapez son nom ou son code postal" in unescape(text_of(page.text))
    # Sent back unchanged (another field edited), it stays the same Beaumont.
    saved = await post_form(
        client,
        f"/lieux/{world.site_id}/coordonnees",
        {**fields, "address": "1 place de la Mairie"},
        follow_redirects=False,
    )
    assert saved.status_code in (302, 303), text_of(saved.text)
    org = await Organisation.objects().get(Organisation.id == world.site_id)
    assert (org.insee_code, org.commune, org.address) == (
        "74031",
        "Beaumont",
        "1 place de la Mairie",
    )
    # Another commune typed by its name: stored as the official commune.
    await post_form(
        client,
        f"/lieux/{world.site_id}/coordonnees",
        {**fields, "insee_code": "periers"},
        follow_redirects=False,
    )
    org = await Organisation.objects().get(Organisation.id == world.site_id)
    assert (org.insee_code, org.commune) == ("50394", "Périers")


async def test_the_application_form_asks_the_commune_by_name(client, world):
    form = await client.get("/lieux/devenir-lieu-qualifie")
    page = unescape(text_of(form.text))
    assert "Code INSEE" not in page and "Commune (tapez son nom" in page
    assert 'name="commune"' not in form.text and "data-commune" in form.text
    values = {k: v for k, v in APPLICATION.items() if k not in ("insee_code", "commune")}
    values |= {"services": APPLICATION["services"], "charter_accepted": "1"}
    sent = await post_form(
        client, "/lieux/devenir-lieu-qualifie", {**values, "insee_code": "Périers"}
    )
    assert sent.status_code == 200, unescape(text_of(sent.text))
    application = await SiteApplication.objects().first()
    assert (application.insee_code, application.commune) == ("50394", "Périers")
    missing = await client.post(
        "/api/v1/site-applications",
        json={**APPLICATION, "insee_code": "", "commune": "", "siret": "35600000000048"},
    )
    assert (missing.status_code, missing.json()["field"]) == (422, "insee_code")
