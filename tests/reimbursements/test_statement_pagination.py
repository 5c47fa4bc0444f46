"""Five years of monthly statements do not fit one page: the list and the API come in pages."""

from datetime import date
from html import unescape

from reimbursements.tables import Statement
from tests.factories import login
from tests.factories import text_of as raw_text


def text_of(html: str) -> str:
    return unescape(raw_text(html))


def month(n: int) -> date:
    """Month n after January 2021 (n = 0 … 59)."""
    return date(2021 + n // 12, n % 12 + 1, 1)


async def five_years_of_statements(site_id: int, other_site_id: int) -> None:
    rows = [Statement(site=site_id, period_start=month(n), period_end=month(n)) for n in range(60)]
    rows += [
        Statement(site=other_site_id, period_start=month(n), period_end=month(n)) for n in (0, 1)
    ]
    await Statement.insert(*rows)


async def test_a_site_reads_its_statements_page_by_page_newest_first(client, world):
    await five_years_of_statements(world.site_id, world.other_site_id)
    await login(client, world.site_agent)
    first = await client.get("/releves")
    assert first.status_code == 200
    text = text_of(first.text)
    assert "60 relevé(s), page 1 sur 2" in text
    assert "décembre 2025" in text and "novembre 2021" in text and "octobre 2021" not in text
    assert 'href="?page=2" rel="next"' in first.text

    second = text_of((await client.get("/releves?page=2")).text)
    assert "Page 2 sur 2 — 51 à 60 sur 60" in second
    assert "octobre 2021" in second and "janvier 2021" in second and "décembre 2025" not in second


async def test_filters_stay_in_the_page_links(client, world):
    await five_years_of_statements(world.site_id, world.other_site_id)
    await login(client, world.staff)
    first = await client.get("/releves?status=draft")
    assert "62 relevé(s), page 1 sur 2" in text_of(first.text)
    assert 'href="?status=draft&amp;page=2" rel="next"' in first.text
    one_month = text_of((await client.get("/releves?month=2021-01")).text)
    assert "2 relevé(s)" in one_month and "page 1 sur" not in one_month


async def test_a_bad_page_number_is_answered_in_french_not_with_an_error(client, world):
    await five_years_of_statements(world.site_id, world.other_site_id)
    await login(client, world.site_agent)
    response = await client.get("/releves?page=0")
    assert response.status_code == 200
    assert "« 0 » n'est pas un numéro de page : voici la page 1." in text_of(response.text)


async def test_the_statement_api_pages_with_limit_and_offset(client, world):
    await five_years_of_statements(world.site_id, world.other_site_id)
    headers = await world.site_agent.bearer()
    first = await client.get("/api/v1/statements?limit=50", headers=headers)
    assert first.headers["X-Total-Count"] == "60"
    assert len(first.json()) == 50 and first.json()[0]["period_start"] == "2025-12-01"
    assert 'rel="next"' in first.headers["Link"]
    rest = await client.get("/api/v1/statements?limit=50&offset=50", headers=headers)
    assert [s["period_start"] for s in rest.json()][-1] == "2021-01-01"
    assert len(rest.json()) == 10
    bad = await client.get("/api/v1/statements?limit=1000", headers=headers)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid"
