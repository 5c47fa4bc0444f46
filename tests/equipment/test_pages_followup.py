"""Calendar, late and due-soon lists (also on the staff home), borrower history and rules pages."""

from __future__ import annotations

import html

from litestar.testing import AsyncTestClient

from equipment import schemas
from equipment.handover import check_out_loan
from equipment.inventory import get_rules
from equipment.tables import Booking, Loan
from tests.equipment.conftest import TODAY, Fleet, day
from tests.factories import login, post_form
from tests.factories import text_of as raw_text


def text_of(page: str) -> str:
    return html.unescape(raw_text(page))


async def overdue_loan(fleet: Fleet, tag: str) -> str:
    """A loan handed over today, then moved back in time as if it were three days late."""
    loan = await fleet.reserve([tag], TODAY, day(5))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=tag)])
    await Loan.update({Loan.start_date: day(-10), Loan.due_date: day(-3)}).where(Loan.id == loan.id)
    await Booking.update({Booking.start_date: day(-10), Booking.end_date: day(-3)}).where(
        Booking.item.asset_tag == tag
    )
    return loan.number


async def test_the_calendar_picture_and_its_table_show_the_booking(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    loan = await fleet.reserve([fleet.tags[1]], day(1), day(3))
    page = await client.get("/equipment/calendar", params={"item_type": "tablet"})
    assert page.status_code == 200
    picture = page.text.split("<svg")[1].split("</svg>")[0]
    assert 'role="img"' in page.text and "url(#p-reserved)" in picture
    assert loan.number in picture or loan.number.split("-")[1].lstrip("0") in picture
    table = text_of(page.text.split("<table>")[1])
    assert f"{loan.number} — Mairie de Tessy-Bocage — du {day(1):%d/%m} au {day(3):%d/%m}" in table
    assert f"{fleet.tags[2]} Samsung Galaxy Tab A8 Libre sur toute la période" in table
    assert "/equipment/ical/" in page.text and 'scope="row"' in page.text


async def test_a_bad_calendar_period_is_explained(client: AsyncTestClient, fleet: Fleet) -> None:
    await login(client, fleet.world.staff)
    page = await client.get("/equipment/calendar", params={"weeks": "40"})
    assert page.status_code == 422 and "Choisissez de 1 à 26 semaines" in text_of(page.text)


async def test_late_and_due_soon_loans_are_listed_and_counted_on_the_staff_home(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    late = await overdue_loan(fleet, fleet.tags[0])
    soon = await fleet.reserve([fleet.tags[1]], TODAY, day(1))
    await check_out_loan(fleet.staff, soon.number, [schemas.CheckoutLine(item=fleet.tags[1])])
    page = text_of((await client.get("/equipment/follow-up")).text)
    assert late in page.split("À rendre dans")[0] and "En retard" in page
    assert soon.number in page.split("À rendre dans")[1]
    home = text_of((await client.get("/")).text)
    assert "Prêts en retard : 1" in home and f"En retard : {late}" in home
    assert "À rendre bientôt : 1" in home


async def test_a_borrower_page_lists_its_loans(client: AsyncTestClient, fleet: Fleet) -> None:
    await login(client, fleet.world.staff)
    loan = await fleet.reserve([fleet.tags[3]], day(2), day(4))
    listing = text_of((await client.get("/equipment/borrowers")).text)
    assert "Mairie de Tessy-Bocage" in listing and "Bibliothèque de Lessay" in listing
    page = text_of((await client.get(f"/equipment/borrowers/{fleet.borrower_id}")).text)
    assert loan.number in page and "Claire Lebrun" in page
    other = text_of((await client.get(f"/equipment/borrowers/{fleet.other_borrower_id}")).text)
    assert loan.number not in other and "Aucun prêt" in other
    missing = await client.get(f"/equipment/borrowers/{fleet.world.site_id}")
    assert missing.status_code == 404


async def test_staff_change_the_booking_rules_and_a_bad_value_is_explained(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    await login(client, fleet.world.staff)
    form = {
        "min_notice_days": "2",
        "max_duration_days": "30",
        "max_items_per_borrower": "12",
        "due_soon_days": "3",
        "max_extensions": "2",
    }
    done = await post_form(client, "/equipment/rules", form)
    assert done.status_code == 200 and "Règles enregistrées" in done.text
    rules = await get_rules()
    assert (rules.min_notice_days, rules.max_duration_days, rules.max_items_per_borrower) == (
        2,
        30,
        12,
    )
    assert rules.max_extensions == 2
    refused = await post_form(client, "/equipment/rules", form | {"max_duration_days": "0"})
    assert refused.status_code == 422 and "au moins 1" in text_of(refused.text)
    words = await post_form(client, "/equipment/rules", form | {"due_soon_days": "deux"})
    assert words.status_code == 422 and "indiquez un nombre entier" in text_of(words.text)
    too_soon = await post_form(
        client,
        "/equipment/loans/new",
        {
            "borrower_id": str(fleet.borrower_id),
            "contact_name": "Claire Lebrun",
            "start_date": TODAY.isoformat(),
            "due_date": day(3).isoformat(),
            "items": [fleet.tags[0]],
        },
    )
    assert too_soon.status_code == 422
    assert "au moins 2 jour(s) à l'avance" in text_of(too_soon.text)
