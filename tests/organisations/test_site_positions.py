"""Staff place a site on the map: from its address through the geocoder (a real local addok), or
by moving the marker; a new address is geocoded again by the task queue."""

from __future__ import annotations

from html import unescape

import pytest

from organisations import positions
from organisations.tables import Organisation
from passnum import tasks
from passnum.tables import AuditEntry
from tests.addok_server import loaded
from tests.factories import login, post_form, text_of

pytestmark = pytest.mark.xdist_group("addok")


async def _site(world) -> Organisation:
    return await Organisation.objects().get(Organisation.id == world.site_id)


async def test_staff_place_a_site_from_its_address_and_see_what_was_found(
    client, world, addok_server
) -> None:
    await Organisation.update(
        {Organisation.address: "Place de la Mairie", Organisation.postcode: "50500"}
    ).where(Organisation.id == world.site_id)
    await login(client, world.staff)

    page = await post_form(client, f"/staff/organisations/{world.site_id}/position/adresse", {})

    assert page.status_code == 200, page.text
    text = text_of(unescape(page.text))
    assert "Le lieu est placé d'après son adresse" in text
    assert "Place de la Mairie 50500 Terre-et-Marais" in text
    site = await _site(world)
    assert (site.latitude, site.longitude) == loaded("50564", "Place de la Mairie")
    assert site.location_source == "geocoder"
    entry = await AuditEntry.objects().where(AuditEntry.action == "position").first()
    assert entry is not None and entry.entity_id == str(world.site_id)


async def test_a_new_address_is_geocoded_by_the_queue(client, world, addok_server) -> None:
    changed = await client.patch(
        f"/api/v1/organisations/{world.site_id}",
        json={"address": "10 rue Tourville", "insee_code": "50147", "postcode": "50200"},
        headers=await world.staff.bearer(),
    )
    assert changed.status_code == 200, changed.text
    assert (await _site(world)).latitude is None  # not in the request: in the queue

    await tasks.work_until_idle()

    site = await _site(world)
    assert (site.latitude, site.longitude) == loaded("50147", "Rue Tourville", "10")
    assert site.location_label.startswith("10 Rue Tourville 50200 Coutances (score")


async def test_the_marker_staff_moved_is_kept_when_the_geocoder_runs_again(
    client, world, addok_server
) -> None:
    await login(client, world.staff)
    page = await post_form(
        client,
        f"/staff/organisations/{world.site_id}/position",
        {"latitude": "49,2405", "longitude": "-1,3160"},
    )
    assert page.status_code == 200 and "Position enregistrée." in page.text

    again = await positions.geocode_site(world.site_id)

    assert again.outcome == "kept"
    site = await _site(world)
    assert (site.latitude, site.longitude, site.location_source) == (49.2405, -1.316, "staff")


async def test_a_position_that_cannot_be_in_france_is_refused_in_french(client, world) -> None:
    await login(client, world.staff)
    page = await post_form(
        client,
        f"/staff/organisations/{world.site_id}/position",
        {"latitude": "-1,3160", "longitude": "249"},
    )
    assert page.status_code == 422
    assert "La longitude doit être un nombre en degrés décimaux" in text_of(unescape(page.text))
    assert 'value="249"' in page.text  # what was typed stays in the field

    api = await client.put(
        f"/api/v1/organisations/{world.site_id}/position",
        json={"latitude": 95, "longitude": -1.3},
        headers=await world.staff.bearer(),
    )
    assert api.status_code == 422
    assert api.json()["error"] == "invalid_position"
    assert (await _site(world)).latitude is None


async def test_staff_place_a_site_through_the_api_and_read_its_position_back(client, world):
    staff = await world.staff.bearer()
    placed = await client.put(
        f"/api/v1/organisations/{world.site_id}/position",
        json={"latitude": 49.2405, "longitude": -1.316},
        headers=staff,
    )
    assert placed.status_code == 200, placed.text
    assert placed.json()["source"] == "staff"

    read = (await client.get(f"/api/v1/organisations/{world.site_id}", headers=staff)).json()

    assert (read["latitude"], read["longitude"], read["location_source"]) == (
        49.2405,
        -1.316,
        "staff",
    )


async def test_the_position_page_shows_a_movable_marker_and_lets_the_tiles_in(
    client, world
) -> None:
    await login(client, world.staff)
    page = await client.get(f"/staff/organisations/{world.site_id}/position")

    assert page.status_code == 200
    assert 'data-map="position"' in page.text
    assert "/static/vendor/leaflet/leaflet.js" in page.text
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' https://tile.openstreetmap.org" in policy
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    # Without a geocoder (the tests'), the page says to place the site by hand.
    assert "placez le lieu à la main" in text_of(unescape(page.text))
    # The map opens on the commune's centre (Terre-et-Marais, shipped).
    assert 'data-centre-lat="49.2' in page.text


async def test_without_a_geocoder_the_api_says_so(client, world) -> None:
    answer = await client.post(
        f"/api/v1/organisations/{world.site_id}/position/geocodage",
        headers=await world.staff.bearer(),
    )
    assert answer.status_code == 200
    assert answer.json()["outcome"] == "no_geocoder"


async def test_the_demo_sites_stand_in_their_communes(db) -> None:
    from organisations.demo import load_territory
    from territory.services import centres

    territory = await load_territory()
    sites = await Organisation.objects().where(Organisation.id.is_in(territory.site_ids))
    shipped = await centres([s.insee_code for s in sites])
    assert len(sites) == 50
    for site in sites:
        assert site.location_source == "demo"
        lat, lon = shipped[site.insee_code]
        assert abs(site.latitude - lat) < 0.01 and abs(site.longitude - lon) < 0.01


async def test_loading_the_demo_asks_no_geocoder_for_its_sites(db, addok_server) -> None:
    from organisations.demo import load_territory
    from passnum.tasks.pages import job_lines

    await load_territory()

    waiting = await job_lines(("todo",), 500, 0)
    assert [job.label for job in waiting if "Géocodage" in job.label] == []
