"""Statistics for the people of one commune or one intercommunality (EPCI): the page, the API
and the CSV exports keep only their booklets, recounted here from the generated facts; a commune
is given by its name (never asked as a code), an unknown one is explained."""

from __future__ import annotations

import csv
import io

from organisations.actors import load_actor
from passnum.csvout import FrenchExcel
from reporting.scope import read_filters, with_territory
from reporting.stats import statistics
from tests.factories import login, text_of
from tests.openapi_check import assert_documented
from tests.reporting.dataset import generate

# Written here from the official list (epci.csv), not read from passnum's tables.
COTENTIN = "200067205"  # CA du Cotentin: Cherbourg-en-Cotentin (50129) among the dataset's
COUTANCES = "50147"
YEAR = ("2026-01-01", "2026-12-31")


def handed_in(data, *communes: str):
    return [b for b in data.booklets if b.issued_at and b.insee in communes]


def redeemed(booklets) -> int:
    return sum(1 for b in booklets for c in b.cheques if c.redeemed_at)


async def test_statistics_of_one_commune_count_only_its_peoples_booklets(world):
    data = await generate(world, booklets=60)
    staff = await load_actor(world.staff.user_id)
    f = await with_territory(read_filters(staff, *YEAR), commune="coutances")
    assert (f.commune, f.commune_name) == (COUTANCES, "Coutances")
    stats = await statistics(f)
    own = handed_in(data, COUTANCES)
    assert 0 < stats.total.booklets == len(own) < len([b for b in data.booklets if b.issued_at])
    assert stats.total.redeemed == redeemed(own)
    assert stats.redeemed_in_period == redeemed(own)
    assert [r.label for r in stats.cohort["commune"]] == ["Coutances"]
    sites = {}
    for b in own:
        for c in b.cheques:
            if c.redeemed_at:
                sites[c.site_id] = sites.get(c.site_id, 0) + 1
    assert sorted(n for _, n in stats.redemptions["site"]) == sorted(sites.values())


async def test_statistics_of_one_intercommunality_by_name_or_siren(world):
    data = await generate(world, booklets=60)
    staff = await load_actor(world.staff.user_id)
    by_name = await with_territory(read_filters(staff, *YEAR), epci="ca du cotentin")
    by_siren = await with_territory(read_filters(staff, *YEAR), epci=COTENTIN)
    assert by_name.epci == by_siren.epci == COTENTIN and by_name.place == "CA du Cotentin"
    own = handed_in(data, "50129")
    for f in (by_name, by_siren):
        stats = await statistics(f)
        assert stats.total.booklets == len(own) > 0
        assert stats.total.redeemed == redeemed(own)
        assert [r.label for r in stats.cohort["epci"]] == ["CA du Cotentin"]


async def test_the_statistics_page_filters_by_commune_name_and_its_exports_follow(client, world):
    data = await generate(world, booklets=60)
    own = handed_in(data, COUTANCES)
    await login(client, world.staff)
    response = await client.get(
        "/statistiques", params={"start": YEAR[0], "end": YEAR[1], "commune": "Coutances"}
    )
    assert response.status_code == 200
    page = text_of(response.text)
    assert "personnes habitant Coutances" in page
    assert f"Carnets remis sur la période {len(own)} " in page
    assert 'value="Coutances"' in response.text  # the field shows the name, not the code
    assert "/statistiques/exports/booklets.csv?commune=50147" in response.text
    exported = await client.get("/statistiques/exports/booklets.csv?commune=50147")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff")), dialect=FrenchExcel))
    assert len(rows) == len([b for b in data.booklets if b.insee == COUTANCES])
    assert {r["commune"] for r in rows} == {"Coutances"}
    cheques = await client.get(f"/statistiques/exports/redemptions.csv?epci={COTENTIN}")
    lines = cheques.text.strip().splitlines()
    assert len(lines) - 1 == redeemed([b for b in data.booklets if b.insee == "50129"])


async def test_the_api_gives_the_same_figures_for_a_commune_and_refuses_unknown_ones(client, world):
    data = await generate(world, booklets=40)
    headers = await world.staff.bearer()
    answer = await client.get(
        "/api/v1/exports/statistics",
        params={"start": YEAR[0], "end": YEAR[1], "commune": COUTANCES},
        headers=headers,
    )
    body = await assert_documented(client, answer)
    assert body["commune"] == {"code": COUTANCES, "name": "Coutances"}
    assert body["total"]["booklets"] == len(handed_in(data, COUTANCES))
    items = await client.get("/api/v1/exports/booklets", params={"epci": COTENTIN}, headers=headers)
    assert len(items.json()["items"]) == len([b for b in data.booklets if b.insee == "50129"])
    unknown = await client.get(
        "/api/v1/exports/statistics", params={"commune": "99999"}, headers=headers
    )
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_commune"
    no_epci = await client.get(
        "/api/v1/exports/statistics", params={"epci": "123456789"}, headers=headers
    )
    assert no_epci.status_code == 422 and no_epci.json()["error"] == "unknown_epci"
    loans = await client.get("/api/v1/exports/loans", params={"commune": "50147"}, headers=headers)
    assert loans.status_code == 422  # loans are not about people's communes: said, not ignored


async def test_an_unknown_commune_on_the_page_is_explained_and_kept(client, world):
    await login(client, world.staff)
    response = await client.get("/statistiques", params={"commune": "Atlantide"})
    assert response.status_code == 422
    page = text_of(response.text)
    assert "La commune « Atlantide » est inconnue" in page
    assert 'value="Atlantide"' in response.text and 'aria-invalid="true"' in response.text
    assert "data-commune" in response.text  # the picker; the server resolved the name here
