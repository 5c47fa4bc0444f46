"""What a borrower signs: the loan slip and the return slip say exactly what was lent and what came
back, read from the PDFs the staff print."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from equipment import schemas
from equipment.handover import check_in_loan, check_out_loan
from equipment.inventory import create_item
from passnum.fr import format_date
from tests.equipment.conftest import TODAY, Fleet, day
from tests.printing.scanning import pdf_text


async def _slip(client: AsyncTestClient, fleet: Fleet, url: str) -> str:
    response = await client.get(url, headers=await fleet.world.staff.bearer())
    assert response.status_code == 200, response.text
    return "\n".join(pdf_text(response.content))


async def test_the_loan_slip_prints_the_accessories_by_name(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    laptop = await create_item(
        fleet.staff,
        schemas.ItemIn(
            item_type="laptop",
            serial="PF3X1234",
            brand="Lenovo",
            model="ThinkPad E14",
            accessories=["chargeur", "souris"],
        ),
    )
    loan = await fleet.reserve([laptop.asset_tag], TODAY, day(14))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=laptop.asset_tag)])

    text = await _slip(client, fleet, f"/api/v1/loans/{loan.number}/slip.pdf")

    assert "chargeur, souris" in text
    assert '"' not in text and "[" not in text


async def test_after_a_partial_return_the_return_slip_lists_what_came_back_and_what_is_still_out(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    back, out = fleet.tags[1], fleet.tags[2]
    loan = await fleet.reserve([back, out], TODAY, day(14))
    lines = [schemas.CheckoutLine(item=t) for t in (back, out)]
    await check_out_loan(fleet.staff, loan.number, lines)
    await check_in_loan(fleet.staff, loan.number, [schemas.ReturnLine(item=back, data_wiped=True)])

    text = await _slip(client, fleet, f"/api/v1/loans/{loan.number}/return-slip.pdf")

    assert "Bon de retour" in text
    assert f"Rendu le {format_date(TODAY)} : {back}" in text
    assert f"Encore en prêt, à rendre au plus tard le {format_date(day(14))} : {out}" in text
    assert "restitué" not in text  # no return date for the loan as a whole
    tables = text.split("Matériel rendu")[1]  # the devices, then their condition on return
    assert back in tables and out not in tables


async def test_once_everything_is_back_the_return_slip_gives_the_return_date(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    tags = fleet.tags[1:3]
    loan = await fleet.reserve(tags, TODAY, day(14))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=t) for t in tags])
    await check_in_loan(
        fleet.staff, loan.number, [schemas.ReturnLine(item=t, data_wiped=True) for t in tags]
    )

    text = await _slip(client, fleet, f"/api/v1/loans/{loan.number}/return-slip.pdf")

    assert f"Matériel restitué le {format_date(TODAY)}" in text
    assert "Encore en prêt" not in text
