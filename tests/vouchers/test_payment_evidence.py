"""A print run is activated on the funder's payment, and the payment is kept: the amount received,
the reference of the title, mandate or invoice, and the day it was paid. The amount is the run's
face value (booklets × 5 × face value) unless staff write down why it differs."""

from __future__ import annotations

from datetime import timedelta

from passnum import clock
from passnum.tables import AuditEntry
from tests.factories import login, post_form
from tests.vouchers.conftest import make_batch
from tests.vouchers.pages_helpers import seen
from vouchers.tables import Batch

EVIDENCE = {"payment_reference": "Titre 2026-118", "paid_on": "2026-01-15"}


async def _status(batch_id: int) -> str:
    return (await Batch.select(Batch.status).where(Batch.id == batch_id))[0]["status"]


async def test_activation_without_payment_evidence_is_refused_and_the_run_stays_a_draft(
    client, world
):
    batch = await make_batch(world, count=3, active=False)
    headers = await world.staff.bearer()
    url = f"/api/v1/batches/{batch.id}/activate"
    for body, field in [
        (None, "amount_cents"),
        ({"paid_on": "2026-01-15"}, "amount_cents"),
        ({"amount_cents": 15000, "paid_on": "2026-01-15"}, "payment_reference"),
        ({"amount_cents": 15000, "payment_reference": "Titre 2026-118"}, "paid_on"),
        (
            {"amount_cents": 15000, "payment_reference": "  ", "paid_on": "2026-01-15"},
            "payment_reference",
        ),
    ]:
        response = await client.post(url, json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["field"] == field, body
    assert await _status(batch.id) == "draft"


async def test_the_run_is_activated_with_its_full_face_value_and_the_payment_is_kept(client, world):
    batch = await make_batch(world, count=3, active=False)  # 3 booklets × 5 cheques × 10 €
    assert batch.face_total_cents == 15000
    headers = await world.staff.bearer()
    response = await client.post(
        f"/api/v1/batches/{batch.id}/activate",
        json={"amount_cents": 15000, **EVIDENCE},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "active"
    assert (body["paid_amount_cents"], body["payment_reference"], body["paid_on"]) == (
        15000,
        "Titre 2026-118",
        "2026-01-15",
    )
    assert body["payment_difference"] == ""
    entry = await AuditEntry.select(AuditEntry.changes).where(
        (AuditEntry.action == "activate") & (AuditEntry.entity_id == str(batch.id))
    )
    assert "Titre 2026-118" in str(entry[0]["changes"])


async def test_a_different_amount_needs_a_documented_reason(client, world):
    batch = await make_batch(world, count=3, active=False)
    headers = await world.staff.bearer()
    url = f"/api/v1/batches/{batch.id}/activate"
    short = await client.post(url, json={"amount_cents": 14000, **EVIDENCE}, headers=headers)
    assert short.status_code == 422
    assert short.json()["error"] == "payment_amount_differs"
    assert "150,00" in short.json()["message"] and "140,00" in short.json()["message"]
    assert await _status(batch.id) == "draft"
    reason = "Remise de 10 € accordée par la convention du 3 janvier"
    accepted = await client.post(
        url,
        json={"amount_cents": 14000, "difference_reason": reason, **EVIDENCE},
        headers=headers,
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["paid_amount_cents"] == 14000
    assert accepted.json()["payment_difference"] == reason


async def test_a_payment_dated_in_the_future_or_negative_is_refused(client, world):
    batch = await make_batch(world, count=1, active=False)
    headers = await world.staff.bearer()
    url = f"/api/v1/batches/{batch.id}/activate"
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    future = await client.post(
        url,
        json={"amount_cents": 5000, "payment_reference": "T-1", "paid_on": tomorrow},
        headers=headers,
    )
    assert (future.status_code, future.json()["field"]) == (422, "paid_on")
    negative = await client.post(url, json={"amount_cents": -5, **EVIDENCE}, headers=headers)
    assert (negative.status_code, negative.json()["field"]) == (422, "amount_cents")


async def test_the_staff_page_asks_for_the_payment_before_activating(client, world):
    batch = await make_batch(world, count=2, active=False)
    await login(client, world.staff)
    page = seen(await client.get(f"/staff/tirages/{batch.id}"))
    assert "Montant reçu" in page and "Référence du paiement" in page and "100,00 €" in page
    url = f"/staff/tirages/{batch.id}/activer"
    missing = await post_form(client, url, {"amount": "", "payment_reference": "", "paid_on": ""})
    assert missing.status_code == 422 and "montant reçu" in seen(missing).lower()
    assert await _status(batch.id) == "draft"
    done = await post_form(
        client,
        url,
        {"amount": "100,00", "payment_reference": "Mandat 77", "paid_on": "2026-01-15"},
    )
    assert done.status_code == 200 and "Tirage activé" in seen(done)
    text = seen(done)
    assert "Mandat 77" in text and "15/01/2026" in text
    assert await _status(batch.id) == "active"
