"""A person in several organisations acts in one at a time on pages, and can switch; an adviser
with permanences at several sites gets the site of the current opening slot at the scanner."""

from __future__ import annotations

import datetime as dt
import re

from organisations.memberships import add_membership
from organisations.tables import OpeningSlot
from passnum.auth import Role
from tests.factories import World, login, make_organisation, post_form, text_of

WEDNESDAY = dt.date(2026, 12, 2)


def _selected_site(html: str) -> str:
    select = re.search(r'<select id="site_id" name="site_id">(.*?)</select>', html, re.S)
    assert select, html
    chosen = re.search(r'<option value="\d+" selected>([^<]+)</option>', select.group(1))
    assert chosen, select.group(1)
    return chosen.group(1)


async def test_a_prescriber_who_is_also_a_site_agent_elsewhere_sees_each_role_in_its_place(
    client, world: World
) -> None:
    await add_membership(world.prescriber.user_id, world.site_id, Role.site_agent)
    await login(client, world.prescriber)
    # First membership: the CMS, as prescriber; the scanner is not theirs there.
    assert (await client.get("/carnets/")).status_code == 200
    scanner = await client.get("/scanner/", follow_redirects=False)
    assert scanner.status_code == 403

    home = await client.get("/")
    assert "Vous agissez pour" in text_of(home.text)
    switched = await post_form(
        client,
        "/organisation",
        {"organisation_id": str(world.site_id), "next": "/scanner/"},
        follow_redirects=False,
    )
    assert switched.headers["location"] == "/scanner/"
    assert (await client.get("/scanner/")).status_code == 200
    assert (await client.get("/carnets/", follow_redirects=False)).status_code == 403

    # Someone else's organisation cannot be chosen: the choice stays the person's own.
    await post_form(client, "/organisation", {"organisation_id": str(world.funder_id)})
    assert (await client.get("/scanner/")).status_code == 200


async def test_the_api_keeps_every_membership_and_names_the_site(client, world: World) -> None:
    await add_membership(world.prescriber.user_id, world.site_id, Role.site_agent)
    me = await client.get("/api/v1/me", headers=await world.prescriber.bearer())
    assert {m["role"] for m in me.json()["memberships"]} == {"prescriber", "site_agent"}


async def test_the_itinerant_adviser_gets_the_site_of_the_current_slot(
    client, world: World, clock_at
) -> None:
    third = await make_organisation("Médiathèque de Lessay", "site", insee_code="50267")
    adviser = world.site_agent  # Terre-et-Marais, plus Périers and Lessay
    await add_membership(adviser.user_id, world.other_site_id, Role.site_agent)
    await add_membership(adviser.user_id, third, Role.site_agent)
    slots = [
        (world.site_id, 2, dt.time(9), dt.time(12)),  # Wednesday morning, Terre-et-Marais
        (world.other_site_id, 2, dt.time(14), dt.time(17)),  # Wednesday afternoon, Périers
        (third, 3, dt.time(9), dt.time(12)),  # Thursday morning, Lessay
    ]
    for organisation, weekday, opens, closes in slots:
        await OpeningSlot(
            organisation=organisation, weekday=weekday, opens=opens, closes=closes
        ).save()

    expected = [
        (dt.datetime.combine(WEDNESDAY, dt.time(10, 30)), "Mairie de Terre-et-Marais"),
        (dt.datetime.combine(WEDNESDAY, dt.time(15)), "Bibliothèque de Périers"),
        (
            dt.datetime.combine(WEDNESDAY + dt.timedelta(days=1), dt.time(9)),
            "Médiathèque de Lessay",
        ),
    ]
    for moment, site in expected:
        clock_at(moment)
        client.cookies.clear()
        await login(client, adviser)
        assert _selected_site((await client.get("/scanner/")).text) == site

    # The adviser can change it; the choice holds for the session.
    page = await client.get(f"/scanner/?site={world.site_id}")
    assert _selected_site(page.text) == "Mairie de Terre-et-Marais"
    assert _selected_site((await client.get("/scanner/")).text) == "Mairie de Terre-et-Marais"
