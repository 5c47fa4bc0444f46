"""Every total and rate of the statistics, recomputed here from the generated facts."""

from __future__ import annotations

import re
import statistics as pystats
from collections import defaultdict
from datetime import datetime, timedelta

from organisations.actors import load_actor
from organisations.tables import Organisation
from reporting.scope import read_filters
from reporting.stats import statistics
from tests.factories import login, text_of
from tests.reporting.dataset import Dataset, generate, make_batch, make_booklet, redeem


async def test_statistics_match_an_independent_count_of_the_generated_dataset(world):
    data = await generate(world, booklets=60)
    staff = await load_actor(world.staff.user_id)
    f = read_filters(staff, "2026-01-01", "2026-12-31")
    stats = await statistics(f)
    handed = [b for b in data.booklets if b.issued_at]
    used = sum(1 for b in handed for c in b.cheques if c.redeemed_at)
    assert stats.total.booklets == len(handed)
    assert stats.total.redeemed == used
    assert stats.total.rate == used / (5 * len(handed))
    never = sum(1 for b in handed if not any(c.redeemed_at for c in b.cheques))
    assert stats.total.never_share == never / len(handed)
    by_age = defaultdict(int)
    for b in handed:
        by_age[b.age_band] += 1
    assert sum(r.booklets for r in stats.cohort["age_band"]) == len(handed)
    assert sorted(r.booklets for r in stats.cohort["age_band"]) == sorted(by_age.values())
    by_need = defaultdict(int)
    for b in handed:
        for need in b.needs:
            by_need[need] += 1
    assert sorted(r.booklets for r in stats.cohort["need"]) == sorted(by_need.values())
    by_site = defaultdict(int)
    for c in data.cheques:
        if c.redeemed_at:
            by_site[c.site_id] += 1
    assert sorted(n for _, n in stats.redemptions["site"]) == sorted(by_site.values())
    assert stats.redeemed_in_period == used
    firsts = [
        (min(c.redeemed_at for c in b.cheques if c.redeemed_at).date() - b.issued_at.date()).days
        for b in handed
        if any(c.redeemed_at for c in b.cheques)
    ]
    assert stats.median_days_to_first_use == pystats.median(firsts)


# Written here, from the official list, not read from passnum's tables.
COMMUNE_NAMES = {
    "50147": "Coutances",
    "50502": "Saint-Lô",
    "50129": "Cherbourg-en-Cotentin",
    "50564": "Terre-et-Marais",
}
EPCI_OF = {
    "50147": "CC Coutances Mer et Bocage",
    "50502": "CA Saint-Lô Agglo",
    "50129": "CA du Cotentin",
    "50564": "CC de la Baie du Cotentin",
}


async def test_statistics_by_commune_and_intercommunality_are_named_and_recounted(world):
    data = await generate(world, booklets=60)
    staff = await load_actor(world.staff.user_id)
    stats = await statistics(read_filters(staff, "2026-01-01", "2026-12-31"))
    handed = [b for b in data.booklets if b.issued_at]
    by_commune, by_epci = defaultdict(int), defaultdict(int)
    redeemed_by_epci = defaultdict(int)
    for b in handed:
        by_commune[COMMUNE_NAMES[b.insee]] += 1
        by_epci[EPCI_OF[b.insee]] += 1
        redeemed_by_epci[EPCI_OF[b.insee]] += sum(1 for c in b.cheques if c.redeemed_at)
    assert {r.label: r.booklets for r in stats.cohort["commune"]} == by_commune
    assert {r.label: r.booklets for r in stats.cohort["epci"]} == by_epci
    assert {r.label: r.redeemed for r in stats.cohort["epci"]} == redeemed_by_epci


async def test_funder_sees_only_the_booklets_of_its_own_print_runs(world):
    data = await generate(world, booklets=40)
    funder = await load_actor(world.funder.user_id)
    f = read_filters(funder, "2026-01-01", "2026-12-31", funder=str(world.operator_id))
    assert f.funder_ids == (world.funder_id,)
    stats = await statistics(f)
    own = [b for b in data.booklets if b.issued_at and b.funder_id == world.funder_id]
    assert stats.total.booklets == len(own)
    assert stats.total.redeemed == sum(1 for b in own for c in b.cheques if c.redeemed_at)
    by_site = defaultdict(int)
    for b in data.booklets:
        for c in b.cheques:
            if c.redeemed_at and b.funder_id == world.funder_id:
                by_site[c.site_id] += 1
    assert sorted(n for _, n in stats.redemptions["site"]) == sorted(by_site.values())
    assert stats.redeemed_in_period == sum(by_site.values())
    firsts = [
        (min(c.redeemed_at for c in b.cheques if c.redeemed_at).date() - b.issued_at.date()).days
        for b in own
        if any(c.redeemed_at for c in b.cheques)
    ]
    assert stats.median_days_to_first_use == pystats.median(firsts)
    assert sum(r.booklets for r in stats.cohort["commune"]) == len(own)
    assert sum(r.booklets for r in stats.cohort["prescriber"]) == len(own)


async def test_statistics_page_draws_charts_with_the_same_numbers_in_tables(client, world):
    await generate(world, booklets=20)
    await login(client, world.staff)
    response = await client.get("/statistiques?start=2026-01-01&end=2026-12-31")
    assert response.status_code == 200
    # Charts drawn by the server: the page's one script is the commune picker of its filter.
    assert "<svg" in response.text
    assert re.findall(r"<script[^>]*>", response.text) == [
        '<script src="/static/commune-combobox.js" defer>'
    ]
    stats = await statistics(
        read_filters(await load_actor(world.staff.user_id), "2026-01-01", "2026-12-31")
    )
    page = text_of(response.text)
    assert f"Carnets remis sur la période {stats.total.booklets} " in page
    assert f"Chèques encaissés sur la période {stats.redeemed_in_period} " in page
    charts = re.findall(r"<figure>.*?</svg>.*?<tbody>(.*?)</tbody>", response.text, re.S)
    drawn = [
        re.findall(r"</rect>\s*<text[^>]*>(\d+)</text>", figure)
        for figure in re.findall(r"<svg.*?</svg>", response.text, re.S)
    ]
    tabled = [re.findall(r"</th><td>(\d+)</td>", body) for body in charts]
    assert len(drawn) == len(tabled) >= 5
    assert drawn == tabled
    assert any(values and int(values[0]) > 0 for values in drawn)
    await login(client, world.prescriber)
    assert (await client.get("/statistiques")).status_code == 403


async def test_staff_download_the_redemptions_csv_from_the_statistics_page(client, world):
    from tests.factories import login

    await login(client, world.staff)
    response = await client.get("/statistiques/exports/redemptions.csv")
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())


async def test_statistics_read_inside_a_transaction_give_the_same_figures(world):
    data = await generate(world, booklets=20)
    f = read_filters(await load_actor(world.staff.user_id), "2026-01-01", "2026-12-31")
    outside = await statistics(f)
    async with Organisation._meta.db.transaction():  # one connection: no concurrent queries
        inside = await statistics(f)
    assert inside.total == outside.total
    assert inside.total.booklets == sum(1 for b in data.booklets if b.issued_at)
    assert inside.median_days_to_first_use == outside.median_days_to_first_use


async def test_the_statistics_page_writes_numbers_and_months_in_french(client, world):
    batch = await make_batch(world.operator_id)
    data = Dataset()
    for days in (36, 37):
        booklet = await make_booklet(
            data, batch, world.operator_id, 1000, world.prescriber_org_id, datetime(2026, 3, 2, 9)
        )
        await redeem(booklet.cheques[0], world.site_id, datetime(2026, 3, 2, 9) + timedelta(days))
    await login(client, world.staff)
    page = text_of((await client.get("/statistiques?start=2026-01-01&end=2026-12-31")).text)
    assert "Délai médian avant la première utilisation 36,5 jours" in page
    assert "mars 2026 2 " in page and "avril 2026 2 " in page  # booklets and redemptions by month
    assert "2026-03" not in page and "36.5" not in page


async def test_a_period_typed_as_the_french_write_it_is_read_and_a_wrong_one_explained(
    client, world
):
    """Without a date picker, staff type 01/10/2026: the page asked for jj/mm/aaaa and refused it.
    A date it cannot read (or the wrong way round) leaves the statistics page, its form and a
    message linked to the field, not a bare error page."""
    await login(client, world.staff)
    typed = await client.get("/statistiques", params={"start": "01/10/2026", "end": "31/10/2026"})
    assert typed.status_code == 200
    assert 'value="2026-10-01"' in typed.text and 'value="2026-10-31"' in typed.text
    for start, end, message in (
        ("2026-13-01", "", "Indiquez les dates au format jj/mm/aaaa."),
        ("01/12/2026", "01/10/2026", "La date de début doit précéder la date de fin."),
    ):
        wrong = await client.get("/statistiques", params={"start": start, "end": end})
        assert wrong.status_code == 422
        page = text_of(wrong.text)
        assert message in page and "Statistiques du pass numérique" in page
        assert 'href="#start"' in wrong.text and "Action impossible" not in page
        assert "Les chiffres ci-dessous sont ceux des douze derniers mois." in page
