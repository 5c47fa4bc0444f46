"""The hand-out receipt names the three places nearest to the beneficiary's commune (the
prescriber recorded it), with their next opening and phone; the cheque's public page asks for the
commune; a cheque restricted to some sites names only those."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from html import unescape
from math import asin, cos, radians, sin, sqrt

from organisations.demo import demo_siret
from organisations.tables import OpeningSlot, Organisation
from passnum import clock
from territory.tables import Commune
from tests.factories import login, make_organisation, text_of
from tests.vouchers.conftest import allocate, codes_of, hand_out, make_batch, numbers_of

MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = (tuple(map(radians, p)) for p in (a, b))
    h = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * asin(sqrt(h))


def next_wednesday() -> datetime:
    today = clock.today()
    day = today + timedelta(days=(2 - today.weekday()) % 7 or 7)
    return datetime(day.year, day.month, day.day, 10, 0)


def french_day(day: date) -> str:
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS.split()[day.month - 1]}"


async def centre(code: str) -> tuple[float, float]:
    row = await Commune.select(Commune.latitude, Commune.longitude).where(Commune.code == code)
    return row[0]["latitude"], row[0]["longitude"]


async def placed_sites(world) -> dict[int, tuple[str, tuple[float, float]]]:
    """Five sites at their communes' centres, each open on Wednesday morning."""
    sites = {
        world.site_id: "50564",  # Terre-et-Marais
        world.other_site_id: "50394",  # Périers
    }
    for n, (name, code) in enumerate(
        [
            ("Mairie de Coutances", "50147"),
            ("Mairie de Saint-Lô", "50502"),
            ("Mairie de Granville", "50218"),
        ]
    ):
        org_id = await make_organisation(name, "site", insee_code=code, siret=demo_siret(950 + n))
        sites[org_id] = code
    placed = {}
    for org_id, code in sites.items():
        where = await centre(code)
        await Organisation.update(
            {
                Organisation.latitude: where[0],
                Organisation.longitude: where[1],
                Organisation.phone: "+33233000000",
            }
        ).where(Organisation.id == org_id)
        await OpeningSlot(organisation=org_id, weekday=2, opens=time(9), closes=time(12)).save()
        row = await Organisation.select(Organisation.name).where(Organisation.id == org_id).first()
        placed[org_id] = (row["name"], where)
    return placed


async def test_the_receipt_names_the_three_places_nearest_to_the_persons_commune(
    client, world, clock_at
) -> None:
    moment = next_wednesday()
    clock_at(moment)
    placed = await placed_sites(world)
    batch = await make_batch(world, count=1)
    [number] = await numbers_of(batch)
    await allocate(world, batch, world.prescriber_org_id, 1)

    receipt = await hand_out(world.prescriber, number)  # the person lives in Coutances

    home = await centre("50147")
    expected = sorted(placed.values(), key=lambda p: km(home, p[1]))[:3]
    assert [s.name for s in receipt.nearest] == [name for name, _ in expected]
    assert receipt.nearest[0].distance == "moins de 100 m"  # the Coutances town hall
    assert all(
        s.next_opening == f"mercredi {french_day(moment.date())}, 9 h – 12 h"
        for s in receipt.nearest
    )
    await login(client, world.prescriber)
    page = text_of(unescape((await client.get(f"/carnets/{number}/recu")).text))
    assert "Les lieux les plus proches de Coutances" in page
    for name, _ in expected:
        assert name in page
    assert "Tél. 02 33 00 00 00" in page


async def test_a_cheque_restricted_to_some_sites_names_only_those(client, world, clock_at) -> None:
    clock_at(next_wednesday())
    placed = await placed_sites(world)
    far = [
        i
        for i, (name, _) in placed.items()
        if name in ("Mairie de Granville", "Mairie de Saint-Lô")
    ]
    batch = await make_batch(world, count=1, allowed_site_ids=far)
    [number] = await numbers_of(batch)
    await allocate(world, batch, world.prescriber_org_id, 1)

    receipt = await hand_out(world.prescriber, number)

    assert {s.id for s in receipt.nearest} == set(far)
    code = (await codes_of(number))[0]
    page = await client.get(f"/c/{code}", params={"commune": "Coutances"})
    listed = re.findall(r"<li><strong>([^<]+)</strong>, [^(<]+\(à ", unescape(page.text))
    home = await centre("50147")
    assert listed == [placed[i][0] for i in sorted(far, key=lambda i: km(home, placed[i][1]))]


async def test_the_cheque_page_asks_for_the_commune_and_says_an_unknown_one_in_french(
    client, world
) -> None:
    await placed_sites(world)
    batch = await make_batch(world, count=1)
    [number] = await numbers_of(batch)
    code = (await codes_of(number))[0]

    asked = await client.get(f"/c/{code}")
    assert 'name="commune"' in asked.text
    assert "Les lieux les plus proches de chez vous" in unescape(asked.text)

    unknown = await client.get(f"/c/{code}", params={"commune": "Trifouilly"})
    assert unknown.status_code == 422
    assert "La commune « Trifouilly » est inconnue" in text_of(unescape(unknown.text))

    found = await client.get(f"/c/{code}", params={"commune": "50394"})
    assert found.status_code == 200
    text = text_of(unescape(found.text))
    assert "Bibliothèque de Périers , Périers (à moins de 100 m)" in text
    assert "Distances à vol d'oiseau depuis le centre de Périers" in text
