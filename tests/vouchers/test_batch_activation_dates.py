"""A print run whose validity has already ended cannot be activated: none of its cheques could be
used, so a funder would pay for nothing. The refusal is in French on the API and the staff page."""

from __future__ import annotations

from datetime import timedelta

from passnum import clock
from tests.factories import login, post_form
from tests.vouchers.conftest import make_batch
from tests.vouchers.pages_helpers import seen
from vouchers.tables import Batch

YESTERDAY = clock.today() - timedelta(days=1)
ENDED = {"valid_from": YESTERDAY - timedelta(days=365), "valid_until": YESTERDAY}


async def test_a_batch_whose_validity_ended_yesterday_is_refused_and_stays_a_draft(client, world):
    batch = await make_batch(
        world,
        count=1,
        active=False,
        valid_from=YESTERDAY - timedelta(days=365),
        valid_until=YESTERDAY,
    )
    headers = await world.staff.bearer()
    response = await client.post(f"/api/v1/batches/{batch.id}/activate", headers=headers)
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["error"] == "batch_validity_ended"
    assert (
        f"{YESTERDAY:%d/%m/%Y}" in body["message"] and "ne peut pas être activé" in body["message"]
    )
    assert (await Batch.select(Batch.status).where(Batch.id == batch.id))[0]["status"] == "draft"


async def test_a_batch_valid_until_today_can_still_be_activated(client, world):
    batch = await make_batch(world, count=1, active=False, valid_until=clock.today())
    headers = await world.staff.bearer()
    paid = {"amount_cents": 5000, "payment_reference": "T-1", "paid_on": str(clock.today())}
    response = await client.post(f"/api/v1/batches/{batch.id}/activate", json=paid, headers=headers)
    assert response.status_code == 200 and response.json()["status"] == "active"


async def test_the_staff_page_says_why_an_ended_batch_is_not_activated(client, world):
    batch = await make_batch(
        world,
        count=1,
        active=False,
        valid_from=YESTERDAY - timedelta(days=30),
        valid_until=YESTERDAY,
    )
    await login(client, world.staff)
    await client.get(f"/staff/tirages/{batch.id}")
    response = await post_form(client, f"/staff/tirages/{batch.id}/activer", {})
    assert response.status_code == 409
    assert "sa validité a pris fin le" in seen(response)
