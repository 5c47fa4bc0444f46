"""Staff audit the shelf from the fleet's pages: open an audit, scan labels (a phone's QR, a hand
scanner's Code 128, a tag typed by hand), read what is missing and what is seen but marked
elsewhere, close it, and find it with its result in the list of past audits."""

from __future__ import annotations

import html
import re

from litestar.testing import AsyncTestClient

from equipment import schemas
from equipment.handover import check_out_loan
from equipment.inventory import create_item
from equipment.labels import item_url
from passnum.fr import format_date
from tests.equipment.conftest import TODAY, Fleet, day
from tests.factories import login, post_form, text_of


def section(page: str, heading: str) -> str:
    """The text of the page from ``heading`` to the next heading."""
    text = text_of(html.unescape(page))
    after = text.split(heading, 1)[1]
    return re.split(r"(Vus|Manquants|Vus mais notés ailleurs) \(", after, maxsplit=1)[0]


async def test_staff_audit_the_shelf_then_find_it_closed_in_the_list_with_its_result(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    laptop, tablet, missing, on_loan = fleet.tags
    loan = await fleet.reserve([on_loan], TODAY, day(3))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=on_loan)])
    await login(client, fleet.world.staff)

    listing = await client.get("/equipment/inventaires")
    assert listing.status_code == 200
    assert "Aucun inventaire" in text_of(html.unescape(listing.text))
    opened = await post_form(client, "/equipment/inventaires", {})
    assert opened.status_code == 200, opened.text
    take_url = str(opened.url.path)
    assert re.fullmatch(r"/equipment/inventaires/\d+", take_url)

    for code in (item_url(laptop), tablet.lower(), f" {on_loan} "):  # phone, hand scanner, typed
        seen = await post_form(client, f"{take_url}/scans", {"code": code})
        assert seen.status_code == 200, seen.text
    page = seen.text
    assert f"{on_loan} vu" in text_of(html.unescape(page))
    assert laptop in section(page, "Vus (3)")
    assert missing in section(page, "Manquants (1)")
    assert "Galaxy Tab A8" in section(page, "Manquants (1)")
    assert on_loan in section(page, "Vus mais notés ailleurs (1)")
    assert "En prêt" in section(page, "Vus mais notés ailleurs (1)")

    unknown = await post_form(client, f"{take_url}/scans", {"code": "MAN-99999"})
    assert unknown.status_code == 404
    assert "Aucun appareil avec le numéro d'inventaire" in html.unescape(unknown.text)

    closed = await post_form(client, f"{take_url}/cloturer", {})
    assert closed.status_code == 200
    assert f"Clos le {format_date(TODAY)}" in text_of(html.unescape(closed.text))
    late = await post_form(client, f"{take_url}/scans", {"code": missing})
    assert late.status_code == 409 and "est clos" in html.unescape(late.text)

    # A device bought after the audit is not in its (frozen) result.
    await create_item(
        fleet.staff, schemas.ItemIn(item_type="laptop", serial="SN-NEW", model="Neuf")
    )
    again = await client.get(take_url)
    assert section(again.text, "Manquants (1)").count("MAN-") == 1

    listing = text_of(html.unescape((await client.get("/equipment/inventaires")).text))
    assert f"le {format_date(TODAY)}" in listing
    assert "3 vus, 1 manquant, 1 vu mais noté ailleurs" in listing
    assert "clos" in listing


async def test_the_api_lists_audits_and_closes_one(client: AsyncTestClient, fleet: Fleet) -> None:
    headers = await fleet.world.staff.bearer()
    take = (await client.post("/api/v1/stock-takes", headers=headers)).json()
    await client.post(
        f"/api/v1/stock-takes/{take['id']}/scans", json={"code": fleet.tags[0]}, headers=headers
    )
    closed = await client.post(f"/api/v1/stock-takes/{take['id']}/close", headers=headers)
    assert closed.status_code == 200 and closed.json()["closed_at"] is not None
    listed = await client.get("/api/v1/stock-takes", headers=headers)
    [row] = listed.json()
    assert row["counts"] == {"seen": 1, "missing": 3, "seen_but_marked_elsewhere": 0}
    again = await client.post(f"/api/v1/stock-takes/{take['id']}/close", headers=headers)
    assert again.status_code == 409 and again.json()["error"] == "stock_take_closed"
