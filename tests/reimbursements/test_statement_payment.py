"""Recording that a site was paid: what staff must give, and the days the payment can bear.

Written from mutation testing (docs/mutation.md, ``reimbursements.statements``): paying a
submitted statement was tested, not the refusals that keep a payment's record true.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from passnum import clock
from reimbursements.tables import Statement
from tests.factories import login
from tests.reimbursements.test_numbered_statements import drafts
from tests.reimbursements.test_payment_runs import APRIL, BANK, bank_details
from tests.reporting.dataset import generate


async def _submitted_statement(client, world) -> tuple[int, dict]:
    await generate(world, booklets=10)
    headers = await world.staff.bearer()
    built = await client.post(
        "/api/v1/statements/build", json={"month": "2026-03"}, headers=headers
    )
    assert built.status_code == 200, built.text
    statement = await Statement.objects().first()
    submitted = await client.post(f"/api/v1/statements/{statement.id}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    return statement.id, headers


async def _pay(client, statement_id: int, headers: dict, paid_on, reference: str):
    return await client.post(
        f"/api/v1/statements/{statement_id}/payment",
        json={"paid_on": paid_on.isoformat(), "reference": reference},
        headers=headers,
    )


async def test_a_payment_without_its_accounting_reference_is_refused(client, world):
    statement_id, headers = await _submitted_statement(client, world)
    response = await _pay(client, statement_id, headers, clock.today(), "   ")
    assert (response.status_code, response.json()["error"]) == (422, "invalid")
    assert response.json()["message"] == "Indiquez la référence du paiement (mandat, virement…)."
    assert (await Statement.objects().get(Statement.id == statement_id)).status == "submitted"


async def test_a_payment_can_be_dated_today_but_not_tomorrow(client, world):
    statement_id, headers = await _submitted_statement(client, world)
    tomorrow = await _pay(client, statement_id, headers, clock.today() + timedelta(days=1), "M-1")
    assert (tomorrow.status_code, tomorrow.json()["error"]) == (422, "invalid")
    assert tomorrow.json()["message"] == "La date de paiement ne peut pas être dans le futur."
    today = await _pay(client, statement_id, headers, clock.today(), "  MANDAT-2026-118 ")
    assert today.status_code == 200, today.text
    assert (today.json()["status"], today.json()["paid_on"]) == ("paid", clock.today().isoformat())
    paid = await Statement.objects().get(Statement.id == statement_id)
    assert paid.payment_reference == "MANDAT-2026-118"


async def test_a_long_reference_is_kept_as_its_first_hundred_characters(client, world):
    statement_id, headers = await _submitted_statement(client, world)
    reference = "MANDAT-" + "9" * 150
    assert (await _pay(client, statement_id, headers, clock.today(), reference)).status_code == 200
    paid = await Statement.objects().get(Statement.id == statement_id)
    assert paid.payment_reference == reference[:100]


async def test_the_statements_history_says_who_recorded_the_payment_and_its_reference(
    client, world
):
    statement_id, headers = await _submitted_statement(client, world)
    assert (
        await _pay(client, statement_id, headers, clock.today(), "MANDAT-77")
    ).status_code == 200
    await login(client, world.staff)
    page = await client.get(f"/releves/{statement_id}")
    rows = [r for r in page.text.split("<tr>") if "Paiement enregistré" in r]
    assert len(rows) == 1 and world.staff.email in rows[0] and "MANDAT-77" in rows[0]


async def test_paying_a_draft_says_only_a_submitted_statement_is_paid(client, world, clock_at):
    clock_at(APRIL)
    headers = await world.staff.bearer()
    await bank_details(client, headers, world.site_id, BANK)
    in_run, draft = await drafts(world.site_id, world.other_site_id)
    submitted = await client.post(
        "/api/v1/statements/submit", json={"statement_ids": [in_run]}, headers=headers
    )
    assert submitted.status_code == 200, submitted.text
    run = await client.post(
        "/api/v1/payment-runs", json={"statement_ids": [in_run]}, headers=headers
    )
    assert run.status_code in (200, 201), run.text
    alone = await _pay(client, in_run, headers, clock.today(), "MANDAT-1")
    assert (alone.status_code, alone.json()["error"]) == (409, "in_payment_run")
    assert alone.json()["message"] == (
        "Ce relevé est dans un virement : il sera payé quand le virement le sera."
    )
    # Another statement is in a run: a draft still answers for itself.
    refused = await _pay(client, draft, headers, clock.today(), "MANDAT-2")
    assert (refused.status_code, refused.json()["error"]) == (409, "not_submitted")
    assert refused.json()["message"] == "Seul un relevé transmis et non payé peut être payé."


async def test_a_month_can_be_built_from_the_first_day_of_the_next(client, world, clock_at):
    clock_at(datetime(2026, 4, 1, 8, 0))
    headers = await world.staff.bearer()
    built = await client.post(
        "/api/v1/statements/build", json={"month": "2026-03"}, headers=headers
    )
    assert built.status_code == 200, built.text
    april = await client.post(
        "/api/v1/statements/build", json={"month": "2026-04"}, headers=headers
    )
    assert (april.status_code, april.json()["error"]) == (409, "month_not_ended")
