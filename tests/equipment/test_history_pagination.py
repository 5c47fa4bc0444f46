"""Years of lending: a borrower's loans and a device's loans come in pages, on the pages and in
the item history API, instead of a silent 500-loan cap."""

from datetime import date, timedelta
from html import unescape

from equipment.tables import Item, Loan, LoanItem
from tests.factories import login
from tests.factories import text_of as raw_text


def text_of(html: str) -> str:
    return unescape(raw_text(html))


async def sixty_loans_of_one_tablet(borrower_id: int) -> str:
    """Sixty returned loans, a week each, of one tablet, to one borrower (oldest first); one
    more loan of another tablet. Returns the tablet's asset tag."""
    tablet = Item(item_type="tablet", serial="SN-1", asset_tag="MAN-00001")
    other = Item(item_type="tablet", serial="SN-2", asset_tag="MAN-00002")
    await Item.insert(tablet, other)
    start = date(2024, 1, 1)
    loans = [
        Loan(
            number=f"PR-{n:05d}",
            borrower=borrower_id,
            contact_name="Claire Lebrun",
            start_date=start + timedelta(days=7 * n),
            due_date=start + timedelta(days=7 * n + 6),
            status="returned",
        )
        for n in range(61)
    ]
    await Loan.insert(*loans)
    await LoanItem.insert(
        *[LoanItem(loan=loan.id, item=tablet.id) for loan in loans[:60]],
        LoanItem(loan=loans[60].id, item=other.id),
    )
    return tablet.asset_tag


async def test_a_device_page_shows_its_loans_page_by_page(client, world):
    tag = await sixty_loans_of_one_tablet(world.borrower_id)
    await login(client, world.staff)
    first = await client.get(f"/i/{tag}")
    text = text_of(first.text)
    assert "Tous les prêts, du plus récent au plus ancien (60, page 1 sur 2)" in text
    assert "PR-00059" in text and "PR-00010" in text and "PR-00009" not in text
    assert "PR-00060" not in text
    assert 'aria-label="Pages des prêts de cet appareil"' in first.text
    assert 'href="?page=2" rel="next"' in first.text
    second = text_of((await client.get(f"/i/{tag}?page=2")).text)
    assert "Page 2 sur 2 — 51 à 60 sur 60" in second
    assert "PR-00009" in second and "PR-00000" in second and "PR-00010" not in second
    bad = await client.get(f"/i/{tag}?page=x")
    assert bad.status_code == 200
    assert "« x » n'est pas un numéro de page : voici la page 1." in text_of(bad.text)


async def test_a_borrower_page_shows_its_loans_page_by_page(client, world):
    await sixty_loans_of_one_tablet(world.borrower_id)
    await login(client, world.staff)
    url = f"/equipment/borrowers/{world.borrower_id}"
    first = await client.get(url)
    text = text_of(first.text)
    assert "Ses prêts, du plus récent au plus ancien (61, page 1 sur 2)" in text
    assert "PR-00060" in text and "PR-00011" in text and "PR-00010" not in text
    assert 'href="?page=2" rel="next"' in first.text
    second = text_of((await client.get(f"{url}?page=2")).text)
    assert "Page 2 sur 2 — 51 à 61 sur 61" in second
    assert "PR-00010" in second and "PR-00000" in second and "PR-00011" not in second
    late = await client.get(f"{url}?page=5")
    assert late.status_code == 200 and "La page 5 n'existe pas" in text_of(late.text)


async def test_the_item_history_api_gives_slices_of_loans_with_their_total(client, world):
    tag = await sixty_loans_of_one_tablet(world.borrower_id)
    headers = await world.staff.bearer()
    first = await client.get(f"/api/v1/items/{tag}/history?limit=50", headers=headers)
    assert first.status_code == 200
    body = first.json()
    assert body["loans_total"] == 60 and first.headers["X-Total-Count"] == "60"
    assert body["item"]["asset_tag"] == tag and body["maintenance"] == []
    assert [loan["number"] for loan in body["loans"][:2]] == ["PR-00059", "PR-00058"]
    assert len(body["loans"]) == 50 and 'offset=50>; rel="next"' in first.headers["Link"]
    rest = await client.get(f"/api/v1/items/{tag}/history?limit=50&offset=50", headers=headers)
    assert [loan["number"] for loan in rest.json()["loans"]][-1] == "PR-00000"
    assert len(rest.json()["loans"]) == 10
    bad = await client.get(f"/api/v1/items/{tag}/history?limit=0", headers=headers)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid"
