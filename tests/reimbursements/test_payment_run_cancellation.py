"""Cancelling a payment run staff prepared by mistake (wrong statements, a file the bank rejected,
a wrong execution date): its statements become payable again and go into a new run, which takes
the next number; the cancelled run keeps its number, its files and the list of what it held. A
paid run is never cancelled, and of a cancellation and a payment at the same moment one wins."""

from __future__ import annotations

import asyncio
from html import unescape

import httpx
import pytest

from passnum import clock, storage
from reimbursements.tables import PaymentRun, PaymentRunItem, Statement
from tests.factories import login, make_organisation, post_form, text_of
from tests.reimbursements.test_numbered_statements import drafts
from tests.reimbursements.test_payment_runs import (
    APRIL,
    BANK,
    TREASURY,
    bank_details,
    submitted,
)
from tests.trust import test_unique_races

pg_server = test_unique_races.pg_server


def seen(html: str) -> str:
    """The page's visible text, apostrophes unescaped (the motive and messages have some)."""
    return text_of(unescape(html))


REASON = "Mauvaise date d'exécution, la banque a rejeté le fichier"


async def _two_statements(client, world) -> tuple[dict, int, int]:
    """Staff headers and two submitted statements: one paid by SEPA, one through the treasury."""
    headers = await world.staff.bearer()
    await bank_details(client, headers, world.site_id, BANK)
    await bank_details(client, headers, world.other_site_id, TREASURY)
    by_transfer, by_treasury = await submitted(
        client, headers, world.site_id, world.other_site_id, totals=(12340, 5000)
    )
    return headers, by_transfer, by_treasury


async def _run(client, headers, *statement_ids: int) -> dict:
    created = await client.post(
        "/api/v1/payment-runs", json={"statement_ids": list(statement_ids)}, headers=headers
    )
    assert created.status_code == 201, created.text
    return created.json()


async def _cancel(client, headers, run_id: int, reason: str = REASON):
    return await client.post(
        f"/api/v1/payment-runs/{run_id}/cancellation", json={"reason": reason}, headers=headers
    )


async def test_staff_cancel_a_prepared_run_and_pay_its_statements_in_a_new_one(
    client, world, clock_at
):
    clock_at(APRIL)
    _, by_transfer, by_treasury = await _two_statements(client, world)
    await login(client, world.staff)
    created = await post_form(
        client, "/virements/", {"statement_ids": [str(by_transfer), str(by_treasury)]}
    )
    assert created.status_code in (200, 303), created.text
    page = await client.get("/virements/1")
    text = seen(page.text)
    assert "Virement VR-2026-0001" in text and "Annuler ce virement" in text
    assert 'name="confirmation"' in page.text and 'name="reason"' in page.text

    cancelled = await post_form(
        client, "/virements/1/annulation", {"reason": f"  {REASON} ", "confirmation": "oui"}
    )
    assert cancelled.status_code == 200, cancelled.text
    text = seen(cancelled.text)
    assert f"Virement annulé le 10/04/2026 à 09:00 par {world.staff.email} : {REASON}" in text
    assert "État Annulé" in text
    # what the run held stays on its page, with the amounts; nothing is left to do with it
    assert "Relevés que contenait le virement annulé (2)" in text
    assert "RL-2026-0001" in text and "123,40 €" in text
    assert "RL-2026-0002" in text and "50,00 €" in text
    assert "Annuler ce virement" not in text and "Marquer le virement payé" not in text
    # its files stay kept and downloadable
    for key in ("VR-2026-0001-sepa.xml", "VR-2026-0001-mandats.csv"):
        assert await storage.exists(f"reimbursements/virements/{key}")
    sepa = await client.get("/virements/1/sepa.xml")
    assert sepa.status_code == 200 and b"RL-2026-0001" in sepa.content
    mandates = await client.get("/virements/1/mandats.csv")
    assert mandates.status_code == 200 and "RL-2026-0002" in mandates.content.decode("utf-8-sig")

    # the statements are payable again, and no longer said to be in a run
    listing = await client.get("/virements")
    assert f'value="{by_transfer}"' in listing.text and f'value="{by_treasury}"' in listing.text
    assert "VR-2026-0001 2 173,40 € 11/04/2026 Annulé" in seen(listing.text)
    statement_page = seen((await client.get(f"/releves/{by_transfer}")).text)
    assert "Ce relevé est dans le virement" not in statement_page
    assert "Ce relevé était dans le virement VR-2026-0001" in statement_page
    assert f"annulé le 10/04/2026 à 09:00 : {REASON}" in statement_page

    again = await post_form(
        client, "/virements/", {"statement_ids": [str(by_transfer), str(by_treasury)]}
    )
    assert again.status_code in (200, 303), again.text
    second = seen((await client.get("/virements/2")).text)
    assert "Virement VR-2026-0002" in second  # the cancelled number is never given again
    await post_form(client, "/virements/2/paiement", {"paid_on": "2026-04-10"})
    statements = await Statement.select(Statement.status, Statement.payment_reference)
    assert {(s["status"], s["payment_reference"]) for s in statements} == {("paid", "VR-2026-0002")}
    first = seen((await client.get("/virements/1")).text)
    assert "Virement annulé le 10/04/2026" in first and "RL-2026-0001" in first

    answer = await client.get("/api/v1/payment-runs/1", headers=await world.staff.bearer())
    run = answer.json()
    assert (run["state"], run["cancelled_by"], run["cancellation_reason"]) == (
        "cancelled",
        world.staff.email,
        REASON,
    )
    assert run["cancelled_at"].startswith("2026-04-10T09:00:00")
    assert sorted((line["number"], line["amount_cents"]) for line in run["lines"]) == [
        ("RL-2026-0001", 12340),
        ("RL-2026-0002", 5000),
    ]
    page = await client.get("/virements/1")
    rows = [seen(r) for r in page.text.split("<tr>") if "Motif :" in r]
    assert len(rows) == 1 and world.staff.email in rows[0] and "Virement annulé" in rows[0]
    assert f"Motif : {REASON}" in rows[0] and "Relevés libérés : 2" in rows[0]


async def test_the_api_cancels_a_run_with_a_reason_and_answers_the_run(client, world, clock_at):
    clock_at(APRIL)
    headers, by_transfer, by_treasury = await _two_statements(client, world)
    run = await _run(client, headers, by_transfer, by_treasury)
    for blank in ("", "   "):
        refused = await _cancel(client, headers, run["id"], blank)
        assert (refused.status_code, refused.json()["error"]) == (422, "invalid")
        assert refused.json()["message"] == "Indiquez le motif de l'annulation du virement."
    no_reason = await client.post(
        f"/api/v1/payment-runs/{run['id']}/cancellation", json={}, headers=headers
    )
    assert (no_reason.status_code, no_reason.json()["error"]) == (422, "invalid")
    assert (await PaymentRun.objects().get(PaymentRun.id == run["id"])).state == "prepared"

    answer = await _cancel(client, headers, run["id"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["id"], body["reference"], body["state"]) == (
        run["id"],
        "VR-2026-0001",
        "cancelled",
    )
    assert body["cancellation_reason"] == REASON and len(body["lines"]) == 2
    assert await PaymentRunItem.count() == 0  # the statements are free again

    twice = await _cancel(client, headers, run["id"])
    assert (twice.status_code, twice.json()["error"]) == (409, "run_cancelled")
    assert twice.json()["message"] == "Le virement VR-2026-0001 est déjà annulé."
    paid = await client.post(
        f"/api/v1/payment-runs/{run['id']}/paid", json={"paid_on": "2026-04-10"}, headers=headers
    )
    assert (paid.status_code, paid.json()["error"]) == (409, "run_cancelled")
    assert paid.json()["message"] == (
        "Le virement VR-2026-0001 est annulé : il ne peut plus être payé."
    )
    assert {s["status"] for s in await Statement.select(Statement.status)} == {"submitted"}
    # each statement is paid on its own again if staff choose to
    alone = await client.post(
        f"/api/v1/statements/{by_transfer}/payment",
        json={"paid_on": "2026-04-10", "reference": "MANDAT-1"},
        headers=headers,
    )
    assert alone.status_code == 200, alone.text
    listed = await client.get("/api/v1/payment-runs", headers=headers)
    assert [r["state"] for r in listed.json()] == ["cancelled"]


async def test_a_paid_run_cannot_be_cancelled(client, world, clock_at):
    clock_at(APRIL)
    headers, by_transfer, _ = await _two_statements(client, world)
    run = await _run(client, headers, by_transfer)
    paid = await client.post(
        f"/api/v1/payment-runs/{run['id']}/paid", json={"paid_on": "2026-04-10"}, headers=headers
    )
    assert paid.status_code == 200, paid.text
    refused = await _cancel(client, headers, run["id"])
    assert (refused.status_code, refused.json()["error"]) == (409, "already_paid")
    assert refused.json()["message"] == (
        "Le virement VR-2026-0001 est déjà payé : il ne peut plus être annulé."
    )
    await login(client, world.staff)
    page = seen((await client.get(f"/virements/{run['id']}")).text)
    assert "Annuler ce virement" not in page
    by_page = await post_form(
        client, f"/virements/{run['id']}/annulation", {"reason": REASON, "confirmation": "oui"}
    )
    assert by_page.status_code == 409
    assert "est déjà payé : il ne peut plus être annulé" in seen(by_page.text)
    assert (await PaymentRun.objects().get(PaymentRun.id == run["id"])).state == "paid"
    assert await PaymentRunItem.count() == 1
    statement = await Statement.objects().get(Statement.id == by_transfer)
    assert (statement.status, statement.payment_reference) == ("paid", "VR-2026-0001")


async def test_the_page_asks_a_reason_and_a_ticked_confirmation(client, world, clock_at):
    clock_at(APRIL)
    headers, by_transfer, _ = await _two_statements(client, world)
    run = await _run(client, headers, by_transfer)
    await login(client, world.staff)
    url = f"/virements/{run['id']}/annulation"
    unticked = await post_form(client, url, {"reason": REASON})
    assert unticked.status_code == 422
    text = seen(unticked.text)
    assert "Cochez la case pour confirmer l'annulation du virement." in text
    assert "Annuler ce virement" in text and REASON in text  # the form again, the reason kept
    no_reason = await post_form(client, url, {"reason": " ", "confirmation": "oui"})
    assert no_reason.status_code == 422
    assert "Indiquez le motif de l'annulation du virement." in seen(no_reason.text)
    assert (await PaymentRun.objects().get(PaymentRun.id == run["id"])).state == "prepared"
    assert await PaymentRunItem.count() == 1


async def test_a_funder_or_a_site_cannot_cancel_a_run(client, world, clock_at):
    clock_at(APRIL)
    headers, by_transfer, _ = await _two_statements(client, world)
    run = await _run(client, headers, by_transfer)
    for person in (world.funder, world.site_agent):
        refused = await _cancel(client, await person.bearer(), run["id"])
        assert refused.status_code == 403, refused.text
        await login(client, person)
        page = await post_form(
            client, f"/virements/{run['id']}/annulation", {"reason": REASON, "confirmation": "oui"}
        )
        assert page.status_code == 403
    assert (await PaymentRun.objects().get(PaymentRun.id == run["id"])).state == "prepared"
    assert await PaymentRunItem.count() == 1


async def _runs_of_one_statement(client, headers, count: int) -> list[tuple[int, int]]:
    sites = [await make_organisation(f"Mairie n°{i}", "site") for i in range(count)]
    for site in sites:
        await bank_details(client, headers, site, BANK)
    ids = await drafts(*sites)
    answer = await client.post(
        "/api/v1/statements/submit", json={"statement_ids": ids}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    return [((await _run(client, headers, i))["id"], i) for i in ids]


async def _cancel_and_pay_at_once(http, headers, runs, paid_on: str) -> list[tuple]:
    """Each run cancelled and paid at the same moment, every other run asking the payment first:
    whichever arrives first, exactly one may win. The (cancellation, payment) answers per run."""
    requests = []
    for n, (run_id, _) in enumerate(runs):
        url = f"/api/v1/payment-runs/{run_id}"
        pair = [
            http.post(f"{url}/cancellation", json={"reason": REASON}, headers=headers),
            http.post(f"{url}/paid", json={"paid_on": paid_on}, headers=headers),
        ]
        requests.extend(pair if n % 2 == 0 else pair[::-1])
    answers = await asyncio.gather(*requests)
    pairs = [(answers[2 * n], answers[2 * n + 1]) for n in range(len(runs))]
    return [(a, b) if n % 2 == 0 else (b, a) for n, (a, b) in enumerate(pairs)]


async def _exactly_one_won(runs: list[tuple[int, int]], answers: list[tuple]) -> None:
    """Per run, one 200 and one 409, and the database says what the winner said."""
    for (run_id, statement_id), (cancel, pay) in zip(runs, answers, strict=True):
        codes = sorted((cancel.status_code, pay.status_code))
        assert codes == [200, 409], (cancel.text, pay.text)
        run = await PaymentRun.objects().get(PaymentRun.id == run_id)
        statement = await Statement.objects().get(Statement.id == statement_id)
        held = await PaymentRunItem.count().where(PaymentRunItem.statement == statement_id)
        if cancel.status_code == 200:
            assert pay.json()["error"] == "run_cancelled"
            assert (run.state, statement.status, held) == ("cancelled", "submitted", 0)
        else:
            assert cancel.json()["error"] == "already_paid"
            assert (run.state, statement.status, held) == ("paid", "paid", 1)
            assert statement.payment_reference == run.reference


async def test_a_cancellation_and_a_payment_at_once_one_wins(client, world, clock_at):
    clock_at(APRIL)
    headers = await world.staff.bearer()
    runs = await _runs_of_one_statement(client, headers, 4)
    answers = await _cancel_and_pay_at_once(client, headers, runs, "2026-04-10")
    await _exactly_one_won(runs, answers)


@pytest.mark.postgres_only
async def test_on_postgresql_a_cancellation_and_a_payment_at_once_one_wins(pg_server, world):
    """``passnum serve --workers 2``: each of 6 runs cancelled and paid at the same moment."""
    headers = await world.staff.bearer()
    async with httpx.AsyncClient(headers=headers, timeout=60, base_url=pg_server) as http:
        runs = await _runs_of_one_statement(http, headers, 6)
        answers = await _cancel_and_pay_at_once(http, headers, runs, clock.today().isoformat())
    await _exactly_one_won(runs, answers)
