"""The charter a structure accepts when it applies is the text staff set (API and page); every
version is kept and each application records the version it accepted."""

from __future__ import annotations

from html import unescape

from organisations.tables import SiteApplication
from tests.factories import login, post_form, text_of
from tests.organisations.test_site_applications import APPLICATION

NEW_TEXT = (
    "Le lieu accueille gratuitement toute personne munie d'un chèque.\n\n"
    "Il scanne chaque chèque le jour de la séance."
)


async def test_staff_set_the_charter_and_applicants_accept_that_text(client, world):
    default = await client.get("/api/v1/charter")
    assert default.status_code == 200 and default.json()["version"] is None
    assert "scanne chaque chèque" in default.json()["text"]

    response = await client.put(
        "/api/v1/charter", json={"text": NEW_TEXT}, headers=await world.staff.bearer()
    )
    assert response.status_code == 200, response.text
    version = response.json()["version"]
    assert version and response.json()["text"] == NEW_TEXT
    assert (await client.get("/api/v1/charter")).json()["version"] == version

    page = unescape(text_of((await client.get("/lieux/devenir-lieu-qualifie")).text))
    assert "Le lieu accueille gratuitement toute personne munie d'un chèque." in page
    assert "Il scanne chaque chèque le jour de la séance." in page

    applied = await client.post("/api/v1/site-applications", json=APPLICATION)
    assert applied.status_code == 201, applied.text
    assert applied.json()["charter_version"] == version
    stored = await SiteApplication.objects().get(SiteApplication.id == applied.json()["id"])
    assert stored.charter_version == version

    newer = await client.put(
        "/api/v1/charter",
        json={"text": NEW_TEXT + " Et le signale."},
        headers=await world.staff.bearer(),
    )
    assert newer.json()["version"] != version
    history = await client.get("/api/v1/charter/versions", headers=await world.staff.bearer())
    assert [v["version"] for v in history.json()] == [newer.json()["version"], version]


async def test_only_staff_change_the_charter_and_it_is_never_empty(client, world):
    refused = await client.put(
        "/api/v1/charter", json={"text": "x"}, headers=await world.site_agent.bearer()
    )
    assert refused.status_code == 403
    empty = await client.put(
        "/api/v1/charter", json={"text": "   "}, headers=await world.staff.bearer()
    )
    assert (empty.status_code, empty.json()["error"], empty.json()["field"]) == (
        422,
        "invalid",
        "text",
    )


async def test_the_staff_page_changes_the_charter(client, world):
    await login(client, world.staff)
    page = await client.get("/staff/charte")
    assert page.status_code == 200 and "scanne chaque chèque" in unescape(page.text)
    saved = await post_form(client, "/staff/charte", {"text": NEW_TEXT}, follow_redirects=True)
    assert saved.status_code == 200, saved.text
    assert "Charte enregistrée" in unescape(text_of(saved.text))
    assert "Il scanne chaque chèque le jour de la séance." in unescape(saved.text)
