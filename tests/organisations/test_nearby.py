"""Near me: a person chooses their commune (or lets the browser give their position) and gets the
places sorted by distance, with their next opening; distances checked against the test's own."""

from __future__ import annotations

import json
import re
from datetime import datetime, time
from html import unescape
from math import asin, cos, radians, sin, sqrt

from organisations.demo import demo_siret
from organisations.tables import OpeningSlot, Organisation
from territory.tables import Commune
from tests.factories import make_organisation, text_of

# Wednesday 2 December 2026, 10:00 in Paris.
WEDNESDAY = datetime(2026, 12, 2, 10, 0)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = (tuple(map(radians, p)) for p in (a, b))
    h = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * asin(sqrt(h))


async def centre(code: str) -> tuple[float, float]:
    row = await Commune.select(Commune.latitude, Commune.longitude).where(Commune.code == code)
    return row[0]["latitude"], row[0]["longitude"]


async def place(org_id: int, lat: float, lon: float, *slots: tuple[int, time, time]) -> None:
    await Organisation.update(
        {
            Organisation.latitude: lat,
            Organisation.longitude: lon,
            Organisation.phone: "+33233000000",
        }
    ).where(Organisation.id == org_id)
    for weekday, opens, closes in slots:
        await OpeningSlot(organisation=org_id, weekday=weekday, opens=opens, closes=closes).save()


async def territory(world) -> dict[str, tuple[float, float]]:
    """Four sites: Terre-et-Marais, Périers, Coutances (at their commune's centre) and one in
    Granville not yet placed on the map."""
    where = {
        "Mairie de Terre-et-Marais": await centre("50564"),
        "Bibliothèque de Périers": await centre("50394"),
        "Mairie de Coutances": await centre("50147"),
    }
    coutances = await make_organisation(
        "Mairie de Coutances", "site", insee_code="50147", siret=demo_siret(901)
    )
    await make_organisation(
        "Mairie de Granville", "site", insee_code="50218", siret=demo_siret(902)
    )
    await place(world.site_id, *where["Mairie de Terre-et-Marais"], (2, time(9), time(12)))
    await place(world.other_site_id, *where["Bibliothèque de Périers"], (4, time(14), time(17)))
    await place(coutances, *where["Mairie de Coutances"], (2, time(8), time(9, 30)))
    return where


async def test_a_person_chooses_their_commune_and_gets_the_nearest_places_first(
    client, world, clock_at
) -> None:
    clock_at(WEDNESDAY)
    where = await territory(world)
    home = await centre("50394")  # Périers

    page = await client.get("/lieux", params={"pres_de": "Périers"})

    assert page.status_code == 200
    text = text_of(unescape(page.text))
    expected = sorted(where, key=lambda name: km(home, where[name]))
    listed = re.findall(r"<h3>([^<]+?) <span", unescape(page.text))
    assert listed == expected  # Granville has no position yet: not in this list
    assert "Les lieux les plus proches de Périers" in text
    # Distances as the page writes them, from the test's own computation.
    for name in expected:
        distance = km(home, where[name])
        shown = (
            "moins de 100 m"
            if distance < 0.1
            else f"{round(distance * 1000, -2):.0f} m"
            if distance < 1
            else f"{distance:.1f} km".replace(".", ",")
            if distance < 10
            else f"{distance:.0f} km"
        )
        assert f"{name} à {shown}" in text
    # Next openings from Wednesday 10:00: Terre-et-Marais is open now, Coutances closed at 9:30.
    assert "mercredi 2 décembre, 9 h – 12 h" in text
    assert "vendredi 4 décembre, 14 h – 17 h" in text
    assert "mercredi 9 décembre, 8 h – 9 h 30" in text


async def test_the_browsers_position_gives_the_nearest_places_too(client, world, clock_at) -> None:
    clock_at(WEDNESDAY)
    where = await territory(world)
    coutances_cathedral = (49.0479, -1.4453)

    page = await client.get(
        "/lieux", params={"lat": coutances_cathedral[0], "lon": coutances_cathedral[1]}
    )

    listed = re.findall(r"<h3>([^<]+?) <span", unescape(page.text))
    assert listed[0] == "Mairie de Coutances"
    assert listed == sorted(where, key=lambda name: km(coutances_cathedral, where[name]))
    assert "de votre position" in text_of(unescape(page.text))
    assert "geolocation=(self)" in page.headers["permissions-policy"]


async def test_an_unknown_commune_is_said_in_french_and_every_place_is_still_listed(
    client, world
) -> None:
    await territory(world)

    page = await client.get("/lieux", params={"pres_de": "Trifouilly"})

    assert page.status_code == 422
    text = text_of(unescape(page.text))
    assert "La commune « Trifouilly » est inconnue" in text
    assert "choisissez-la dans la liste." in text and "INSEE" not in text  # no jargon to a visitor
    assert "Mairie de Granville" in text and "Mairie de Terre-et-Marais" in text


async def test_the_list_works_without_javascript_and_the_map_gets_every_placed_site(
    client, world
) -> None:
    where = await territory(world)

    page = await client.get("/lieux")

    html = page.text
    assert re.search(r'<div id="carte-lieux" class="map" data-map="places" hidden', html)
    text = text_of(unescape(html))
    for name in [*where, "Mairie de Granville"]:
        assert name in text  # the list, in the HTML itself
    points = json.loads(
        re.search(
            r'<script type="application/json" id="lieux-points">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert {p["name"]: (p["lat"], p["lon"]) for p in points} == where
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' https://tile.openstreetmap.org" in policy
    assert "script-src 'self';" in policy  # the points are data, never run
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"


async def test_the_open_data_publishes_each_placed_sites_coordinates(client, world) -> None:
    where = await territory(world)
    for n, org in enumerate(await Organisation.objects().where(Organisation.is_site.eq(True))):
        # What the open data requires: an identifier and a postal address.
        siret = org.siret or demo_siret(910 + n)
        await Organisation.update(
            {Organisation.siret: siret, Organisation.address: "Place de la Mairie"}
        ).where(Organisation.id == org.id)
    await Organisation.update({Organisation.postcode: "50000"}, force=True)

    records = (await client.get("/lieux/donnees.json")).json()

    by_name = {r["nom"]: (r["latitude"], r["longitude"]) for r in records}
    assert {name: by_name[name] for name in where} == where
    assert by_name["Mairie de Granville"] == (None, None)


async def test_a_person_typing_their_postcode_gets_the_places_near_their_town(
    client, world, clock_at
) -> None:
    clock_at(WEDNESDAY)
    where = await territory(world)
    home = await centre("50147")  # Coutances

    # 50200 is Coutances' postcode, and also the INSEE code of Ger, 60 km away: the box says
    # « nom ou code postal », so it is the postcode (its most populous commune).
    page = await client.get("/lieux", params={"pres_de": "50200"})

    assert page.status_code == 200
    text = text_of(unescape(page.text))
    assert "Les lieux les plus proches de Coutances" in text
    listed = re.findall(r"<h3>([^<]+?) <span", unescape(page.text))
    assert listed[0] == "Mairie de Coutances"
    assert listed == sorted(where, key=lambda name: km(home, where[name]))
