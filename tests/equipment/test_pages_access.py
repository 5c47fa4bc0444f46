"""Every fleet page is for staff only: others are refused, anonymous visitors sent to log in."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from tests.equipment.conftest import Fleet, day
from tests.factories import login, post_form

PAGES = [
    "/equipment",
    "/equipment/items/new",
    "/equipment/items/{tag}/edit",
    "/equipment/import",
    "/equipment/inventaire.csv",
    "/equipment/labels",
    "/equipment/labels.pdf",
    "/equipment/loans",
    "/equipment/loans/new",
    "/equipment/calendar",
    "/equipment/follow-up",
    "/equipment/borrowers",
    "/equipment/borrowers/{borrower}",
    "/equipment/rules",
    "/equipment/inventaires",
    "/equipment/bons/verifier",
    "/loans/{loan}",
    "/loans/{loan}/remise",
    "/loans/{loan}/retour",
]


async def urls(fleet: Fleet) -> list[str]:
    loan = await fleet.reserve([fleet.tags[0]], day(1), day(2))
    values = {"tag": fleet.tags[0], "loan": loan.number, "borrower": fleet.borrower_id}
    return [p.format(**values) for p in PAGES] + [f"/i/{fleet.tags[0]}"]


async def test_staff_open_every_fleet_page(client: AsyncTestClient, fleet: Fleet) -> None:
    await login(client, fleet.world.staff)
    for url in await urls(fleet):
        response = await client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("who", ["site_agent", "prescriber", "funder"])
async def test_other_roles_are_refused_every_fleet_page(
    client: AsyncTestClient, fleet: Fleet, who: str
) -> None:
    await login(client, getattr(fleet.world, who))
    for url in await urls(fleet):
        response = await client.get(url)
        assert response.status_code == 403, url
        assert "Accès refusé" in response.text


async def test_other_roles_cannot_post_to_fleet_forms(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.site_agent)
    for url in ("/equipment/loans/new", "/equipment/rules", f"/i/{fleet.tags[0]}/status"):
        response = await post_form(client, url, {"status": "retired"})
        assert response.status_code == 403, url


async def test_anonymous_visitors_are_sent_to_log_in(client: AsyncTestClient, fleet: Fleet) -> None:
    for url in await urls(fleet):
        response = await client.get(url, follow_redirects=False)
        if url.startswith("/i/"):
            assert response.status_code == 200  # the found-device page, see test_pages_inventory
            continue
        assert response.status_code in (302, 303), url
        assert response.headers["location"].startswith("/login?next="), url
