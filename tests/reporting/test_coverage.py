"""Where the offer is missing: the staff page per commune and intercommunality, figures recomputed
here from the data the test made (places, weekly hours, booklets to residents, cheques spent,
distance to the nearest place)."""

from __future__ import annotations

import json
import re
from datetime import time
from html import unescape
from math import asin, cos, radians, sin, sqrt

from organisations.tables import OpeningSlot, Organisation
from territory.tables import Commune, Epci
from tests.factories import login
from tests.vouchers.conftest import allocate, codes_of, hand_out, make_batch, numbers_of


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = (tuple(map(radians, p)) for p in (a, b))
    h = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * asin(sqrt(h))


async def centre(code: str) -> tuple[float, float]:
    row = await Commune.select(Commune.latitude, Commune.longitude).where(Commune.code == code)
    return row[0]["latitude"], row[0]["longitude"]


def row_of(html: str, name: str) -> list[str]:
    """The cells of the table row headed by ``name``."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        head = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if head and re.sub(r"<[^>]+>", "", head.group(1)).replace("éloignée", "").strip() == name:
            return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row)]
    raise AssertionError(f"no row {name}")


async def test_staff_see_per_commune_and_intercommunality_where_the_offer_is_missing(
    client, world
) -> None:
    # Two places: Terre-et-Marais (Wednesday 9-12 and Friday 14-16:30), Périers (Monday 9-12).
    for org_id, code in ((world.site_id, "50564"), (world.other_site_id, "50394")):
        lat, lon = await centre(code)
        await Organisation.update({Organisation.latitude: lat, Organisation.longitude: lon}).where(
            Organisation.id == org_id
        )
    for org_id, weekday, opens, closes in (
        (world.site_id, 2, time(9), time(12)),
        (world.site_id, 4, time(14), time(16, 30)),
        (world.other_site_id, 0, time(9), time(12)),
    ):
        await OpeningSlot(organisation=org_id, weekday=weekday, opens=opens, closes=closes).save()
    # Two booklets handed out to residents of Coutances; one cheque spent at Terre-et-Marais.
    batch = await make_batch(world, count=2)
    numbers = await numbers_of(batch)
    await allocate(world, batch, world.prescriber_org_id, 2)
    for number in numbers:
        await hand_out(world.prescriber, number)
    redeemed = await client.post(
        "/api/v1/redemptions",
        json={"code": (await codes_of(numbers[0]))[0], "activity": "individual"},
        headers=await world.site_agent.bearer(),
    )
    assert redeemed.status_code in (200, 201), redeemed.text
    await login(client, world.staff)

    page = await client.get("/staff/couverture", params={"departement": "50", "distance": "15"})

    assert page.status_code == 200
    html = unescape(page.text)
    coutances, terre, periers = [await centre(c) for c in ("50147", "50564", "50394")]
    nearest = min(
        (km(coutances, terre), "Mairie de Terre-et-Marais"),
        (km(coutances, periers), "Bibliothèque de Périers"),
    )
    cells = row_of(html, "Coutances")
    assert cells[1:5] == ["0", "0", "2", "1"]  # places, hours, booklets, cheques spent
    assert cells[5] == nearest[1]
    assert cells[6] == (
        f"{nearest[0]:.0f} km" if nearest[0] >= 10 else f"{nearest[0]:.1f} km".replace(".", ",")
    )
    assert row_of(html, "Terre-et-Marais")[1:3] == ["1", "5,5"]  # 3 h + 2 h 30 a week
    # Cherbourg is far from both places: flagged, and counted in its intercommunality.
    cherbourg = await centre("50129")
    assert min(km(cherbourg, terre), km(cherbourg, periers)) > 15
    assert re.search(
        r'<th scope="row">Cherbourg-en-Cotentin <span class="badge">éloignée</span>', html
    )
    epci = (
        await Epci.select(Epci.name).where(Epci.code == "200067023").first()
    )  # Coutances Mer et Bocage
    epci_cells = row_of(html, epci["name"])
    assert epci_cells[4:6] == ["2", "1"]
    # The map gets every commune with a centre and both places; the tables work without it.
    points = json.loads(
        re.search(r'id="couverture-points">(.*?)</script>', page.text, re.S).group(1)
    )
    communes = await Commune.count().where(
        (Commune.department == "50") & Commune.latitude.is_not_null()
    )
    assert sum(p["kind"] == "commune" for p in points) == communes
    assert sum(p["kind"] == "site" for p in points) == 2
    assert 'data-map="coverage" hidden' in page.text


async def test_other_roles_do_not_see_the_coverage_page(client, world) -> None:
    await login(client, world.funder)
    assert (await client.get("/staff/couverture")).status_code in (401, 403)
