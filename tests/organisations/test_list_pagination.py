"""Long lists come in pages: the staff organisation list and the organisation/user API."""

from html import unescape

from organisations.tables import Organisation
from passnum.pagination import Page, page_number
from tests.factories import login
from tests.factories import text_of as raw_text


def text_of(html: str) -> str:
    return unescape(raw_text(html))


async def add_prescribers(count: int, prefix: str = "Relais") -> None:
    await Organisation.insert(
        *[Organisation(name=f"{prefix} {i:03d}", is_prescriber=True) for i in range(count)]
    )


def test_a_page_link_keeps_the_filters_and_drops_empty_ones():
    page = Page(items=[1], number=2, size=50, total=120, params={"q": "Relais", "role": ""})
    assert page.pages == 3
    assert page.href(3) == "?q=Relais&page=3"
    assert (page.first, page.last) == (51, 51)


def test_a_page_number_is_read_leniently():
    assert page_number("") == 1
    assert page_number("3") == 3
    assert page_number("0") is None
    assert page_number("-1") is None
    assert page_number("deux") is None
    assert page_number("9" * 30) is None


async def test_staff_browse_organisations_page_by_page(client, world):
    await add_prescribers(60)
    await login(client, world.staff)
    first = await client.get("/staff/organisations?role=prescriber&q=Relais")
    assert first.status_code == 200
    text = text_of(first.text)
    assert "60 organisation(s), page 1 sur 2" in text
    assert "Relais 000" in text and "Relais 049" in text and "Relais 050" not in text
    assert 'aria-label="Pages de la liste"' in first.text
    assert 'href="?role=prescriber&amp;q=Relais&amp;page=2" rel="next"' in first.text

    second = await client.get("/staff/organisations?role=prescriber&q=Relais&page=2")
    text = text_of(second.text)
    assert "Page 2 sur 2 — 51 à 60 sur 60" in text
    assert "Relais 050" in text and "Relais 059" in text and "Relais 049" not in text
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text


async def test_a_bad_page_number_shows_page_one_with_a_french_notice(client, world):
    await add_prescribers(60)
    await login(client, world.staff)
    response = await client.get("/staff/organisations?page=abc")
    assert response.status_code == 200
    assert "« abc » n'est pas un numéro de page : voici la page 1." in text_of(response.text)
    late = await client.get("/staff/organisations?page=99")
    assert late.status_code == 200
    assert "La page 99 n'existe pas" in text_of(late.text)
    assert "Page 2 sur 2" in text_of(late.text)


async def test_the_organisation_api_pages_with_limit_offset_and_headers(client, world):
    await add_prescribers(60)
    headers = await world.staff.bearer()
    first = await client.get("/api/v1/organisations?role=prescriber&limit=50", headers=headers)
    assert first.status_code == 200
    assert len(first.json()) == 50
    total = int(first.headers["X-Total-Count"])
    assert total >= 60
    assert 'offset=50>; rel="next"' in first.headers["Link"]
    assert "role=prescriber" in first.headers["Link"]
    rest = await client.get(
        "/api/v1/organisations?role=prescriber&limit=50&offset=50", headers=headers
    )
    assert len(rest.json()) == total - 50
    assert 'rel="prev"' in rest.headers["Link"] and 'rel="next"' not in rest.headers["Link"]
    names = [o["name"] for o in first.json() + rest.json()]
    assert len(set(names)) == total


async def test_the_api_refuses_a_bad_limit_with_a_stable_code(client, world):
    headers = await world.staff.bearer()
    for query in ("limit=0", "limit=501", "limit=abc", "offset=-1"):
        response = await client.get(f"/api/v1/organisations?{query}", headers=headers)
        assert response.status_code == 400, query
        assert response.json()["error"] == "invalid"
        assert response.json()["details"][0]["key"] in ("limit", "offset")


async def test_the_user_api_pages_too(client, world):
    headers = await world.staff.bearer()
    everyone = await client.get("/api/v1/users", headers=headers)
    total = int(everyone.headers["X-Total-Count"])
    assert len(everyone.json()) == total
    one = await client.get("/api/v1/users?limit=1&offset=1", headers=headers)
    assert [u["email"] for u in one.json()] == [everyone.json()[1]["email"]]
    assert one.json()[0]["memberships"] == everyone.json()[1]["memberships"]


async def test_the_openapi_documents_the_paging_parameters(client, world):
    schema = (await client.get("/schema/openapi.json")).json()
    params = schema["paths"]["/api/v1/organisations"]["get"]["parameters"]
    limit = next(p for p in params if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 500
    headers = schema["paths"]["/api/v1/organisations"]["get"]["responses"]["200"]["headers"]
    assert "X-Total-Count" in headers
