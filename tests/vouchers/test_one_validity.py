"""Until when a cheque can be used is worded once and read the same on everything a person holds or
opens: the booklet's cover, each printed cheque, the prescriber's stock, the hand-out receipt, the
cheque's public page and the API. The batch's internal name is never printed on a booklet."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader

from passnum import clock
from tests.factories import login
from tests.vouchers.conftest import allocate, codes_of, hand_out, make_batch, numbers_of
from tests.vouchers.pages_helpers import seen

FROM = clock.today() - timedelta(days=30)
UNTIL = clock.today() + timedelta(days=300)
MAIN = f"Valable du {FROM:%d/%m/%Y} au {UNTIL:%d/%m/%Y}"
GRACE = f"accepté jusqu'au {UNTIL + timedelta(days=31):%d/%m/%Y} si le carnet a été remis avant"
WORDING = f"{MAIN} — {GRACE}"
LABEL = "CAF — ateliers (en attente de paiement)"


async def _scene(world):
    batch = await make_batch(
        world, count=2, label=LABEL, valid_from=FROM, valid_until=UNTIL, grace_days=31
    )
    numbers = await numbers_of(batch)
    await allocate(world, batch, world.prescriber_org_id, 2)
    await hand_out(world.prescriber, numbers[0])
    return numbers


async def test_the_printed_booklet_says_the_one_wording_on_its_cover_and_every_cheque(
    client, world
):
    numbers = await _scene(world)
    await login(client, world.staff)
    response = await client.get(f"/staff/carnets/{numbers[0]}/pdf")
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert text.count(MAIN) == 6  # the cover and each of the five cheques
    assert text.count(GRACE) == 6
    assert "attente de paiement" not in text and "ateliers" not in text


async def test_the_cheque_page_and_the_public_api_give_the_same_wording(client, world):
    numbers = await _scene(world)
    code = (await codes_of(numbers[0]))[0]
    data = (await client.get(f"/api/v1/cheques/{code}")).json()
    assert data["validity"] == WORDING
    assert WORDING in seen(await client.get(f"/c/{code}"))
    stock_code = (await codes_of(numbers[1]))[0]  # not handed out yet: same sentence
    assert (await client.get(f"/api/v1/cheques/{stock_code}")).json()["validity"] == WORDING


async def test_staff_and_the_funder_read_the_same_wording_for_the_print_run(client, world):
    await _scene(world)
    staff = await client.get("/api/v1/batches", headers=await world.staff.bearer())
    assert [b["validity"] for b in staff.json()] == [WORDING]
    await login(client, world.staff)
    batch_id = staff.json()[0]["id"]
    assert WORDING in seen(await client.get(f"/staff/tirages/{batch_id}"))


async def test_the_receipt_and_the_stock_give_the_same_wording(client, world):
    numbers = await _scene(world)
    headers = await world.prescriber.bearer()
    receipt = await client.get(f"/api/v1/handouts/{numbers[0]}", headers=headers)
    assert receipt.json()["validity"] == WORDING
    stock = await client.get("/api/v1/stock", headers=headers)
    assert [line["validity"] for line in stock.json()] == [WORDING]
    await login(client, world.prescriber)
    page = seen(await client.get(f"/carnets/{numbers[0]}/recu"))
    assert WORDING in page and "attente de paiement" not in page
    assert WORDING in seen(await client.get("/carnets"))
