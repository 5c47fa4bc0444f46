"""« Près de chez moi » with a vague name: typing « Saint » names thousands of communes of France.
The person gets a short choice (at most ten), the operator's territory first (communes with a
qualified site, then the other communes of their départements), each with its postcode and its
département so that homonyms are told apart, and a sentence asking to be more precise when there
are more. Each choice is a link: it works without JavaScript. Counts are the test's own, read
from the official communes.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from organisations.demo import demo_siret
from territory.tables import Commune
from tests.factories import make_organisation, text_of
from tests.organisations.test_nearby import centre, place, territory
from tests.vouchers.conftest import codes_of, make_batch, numbers_of

SAINT_JAMES = "50487"  # a Manche commune, smaller than Saint-Lô, where a site is qualified


def choices(html: str) -> list[tuple[str, str, str]]:
    """(href, name, what follows it) of each choice offered, in order."""
    block = html.split('<ul class="commune-choices"')[1].split("</ul>")[0]
    return [
        (unescape(href), unescape(name), text_of(unescape(rest)).strip())
        for href, name, rest in re.findall(r'<a href="([^"]+)">([^<]+)</a>([^<]*)', block)
    ]


async def departments_of(codes: list[str]) -> list[str]:
    rows = await Commune.select(Commune.code, Commune.department).where(Commune.code.is_in(codes))
    by_code = {r["code"]: r["department"] for r in rows}
    return [by_code[c] for c in codes]


def code_of(href: str, field: str = "pres_de") -> str:
    value = parse_qs(urlsplit(href).query)[field][0]
    return re.search(r"\((\w{5})\)$", value).group(1)


async def test_typing_saint_offers_ten_communes_of_the_territory_and_asks_to_be_more_precise(
    client, world
) -> None:
    await territory(world)
    james = await make_organisation(
        "Mairie de Saint-James", "site", insee_code=SAINT_JAMES, siret=demo_siret(903)
    )
    await place(james, *await centre(SAINT_JAMES))
    starting = await Commune.count().where(Commune.search_name.like("saint%"))
    assert starting > 1000  # all of France's communes are loaded: « Saint » is vague

    page = await client.get("/lieux", params={"pres_de": "Saint"})

    assert page.status_code == 422
    text = text_of(unescape(page.text))
    count = f"{starting:,}".replace(",", " ")
    assert (
        f"{count} communes commencent par « Saint » : précisez le nom ou tapez le code postal."
        in text
    )
    offered = choices(page.text)
    assert len(offered) == 10
    codes = [code_of(href) for href, _, _ in offered]
    # The commune with a qualified site first, then the others of its département (the Manche).
    assert codes[0] == SAINT_JAMES
    assert await departments_of(codes) == ["50"] * 10
    assert offered[0][1:] == ("Saint-James", "(50240, Manche)")
    assert ("Saint-Lô", "(50000, Manche)") in [o[1:] for o in offered]
    assert 'value="Saint"' in page.text  # what was typed stays in the box

    # A choice is a plain link (no JavaScript): it gives the places nearest that commune.
    chosen = await client.get(offered[0][0])
    assert chosen.status_code == 200
    assert "Les lieux les plus proches de Saint-James" in text_of(unescape(chosen.text))


async def test_homonyms_are_told_apart_by_postcode_and_departement_the_territorys_first(
    client, world
) -> None:
    await territory(world)  # sites in the Manche
    homonyms = await Commune.count().where(Commune.name == "Saint-Loup")
    assert homonyms > 2

    page = await client.get("/lieux", params={"pres_de": "saint loup"})

    assert page.status_code == 422
    offered = choices(page.text)
    named = [o for o in offered if o[1] == "Saint-Loup"]
    assert len(named) == homonyms  # every Saint-Loup, before the Saint-Loup-… names
    assert offered[: len(named)] == named
    assert named[0][2] == "(50300, Manche)"  # the operator's own first
    assert len({where for _, _, where in named}) == homonyms  # each told apart
    assert "Charente-Maritime" in " ".join(where for _, _, where in named)
    text = text_of(unescape(page.text))
    assert "Plusieurs communes s'appellent « saint loup » : choisissez la vôtre." in text


async def test_a_few_communes_are_all_offered_without_asking_for_more(client, world) -> None:
    await territory(world)
    matching = await Commune.select(Commune.name).where(Commune.search_name.like("saint vaast%"))
    assert 1 < len(matching) <= 10

    page = await client.get("/lieux", params={"pres_de": "Saint-Vaast"})

    assert page.status_code == 422
    text = text_of(unescape(page.text))
    assert "Plusieurs communes répondent à « Saint-Vaast » : choisissez la vôtre." in text
    assert "précisez" not in text
    offered = choices(page.text)
    assert sorted(name for _, name, _ in offered) == sorted(r["name"] for r in matching)
    assert offered[0][1:] == ("Saint-Vaast-la-Hougue", "(50550, Manche)")


async def test_the_cheque_page_offers_the_same_choice(client, world) -> None:
    await territory(world)
    batch = await make_batch(world, count=1)
    [number] = await numbers_of(batch)
    code = (await codes_of(number))[0]

    page = await client.get(f"/c/{code}", params={"commune": "Saint"})

    assert page.status_code == 422
    assert "précisez le nom ou tapez le code postal." in text_of(unescape(page.text))
    offered = choices(page.text)
    assert len(offered) == 10
    assert all(urlsplit(href).path == f"/c/{code}" for href, _, _ in offered)
    assert await departments_of([code_of(h, "commune") for h, _, _ in offered]) == ["50"] * 10


async def test_with_javascript_the_suggestions_put_the_territorys_communes_first(
    client, world
) -> None:
    await territory(world)  # sites in the Manche
    page = await client.get("/lieux")
    assert 'data-commune-prefer="50"' in page.text  # what the suggestion list asks with

    france = await client.get("/api/v1/communes", params={"q": "saint", "limit": 8})
    ours = await client.get("/api/v1/communes", params={"q": "saint", "limit": 8, "prefer": "50"})

    assert france.status_code == ours.status_code == 200
    assert "50" not in [c["departement"] for c in france.json()[:1]]  # Saint-Denis and the like
    assert [c["departement"] for c in ours.json()] == ["50"] * 8
    assert ours.json()[0]["nom"] == "Saint-Lô"  # the most populous of the Manche's
