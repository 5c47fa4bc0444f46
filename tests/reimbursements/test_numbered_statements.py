"""A submitted statement is an accounting document: it gets the next number of its year
(RL-2026-0001, no gap, never twice), the site's SIRET, the bank details in force (IBAN masked) and
a signature block, and its PDF is kept as issued in the document storage."""

from __future__ import annotations

import asyncio
import io
from datetime import date, datetime

import httpx
import pytest
from pypdf import PdfReader

from organisations.tables import Organisation
from passnum import clock, storage
from reimbursements.tables import Statement
from tests.factories import login, make_organisation, post_form, text_of
from tests.trust import test_unique_races

APRIL = datetime(2026, 4, 10, 9, 0)
pg_server = test_unique_races.pg_server  # `passnum serve --workers 2` on PostgreSQL


def pdf_text(body: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


async def drafts(*site_ids: int, month: date = date(2026, 3, 1)) -> list[int]:
    """One draft statement per site for ``month`` (its totals do not matter here)."""
    ids = []
    for site in site_ids:
        row = Statement(
            site=site,
            period_start=month,
            period_end=month.replace(day=28),
            cheque_count=2,
            total_cents=2000,
        )
        await row.save()
        ids.append(row.id)
    return ids


async def test_submitted_statements_are_numbered_in_order_with_siret_and_signature(
    client, world, clock_at
):
    clock_at(APRIL)
    await Organisation.update({Organisation.siret: "21500564400017"}).where(
        Organisation.id == world.site_id
    )
    first, second = await drafts(world.site_id, world.other_site_id)
    headers = await world.staff.bearer()
    bank = {
        "iban": "FR7630006000011234567890189",
        "bic": "BDFEFRPPCCT",
        "holder": "Trésor public — régie de Terre-et-Marais",
        "valid_from": "2026-01-01",
    }
    recorded = await client.post(
        f"/api/v1/organisations/{world.site_id}/bank-details", json=bank, headers=headers
    )
    assert recorded.status_code in (200, 201), recorded.text
    one = await client.post(f"/api/v1/statements/{first}/submit", headers=headers)
    assert one.status_code == 200, one.text
    assert one.json()["number"] == "RL-2026-0001"
    again = await client.post(f"/api/v1/statements/{first}/submit", headers=headers)
    assert again.status_code == 409  # refused: no number is spent on it
    two = await client.post(f"/api/v1/statements/{second}/submit", headers=headers)
    assert two.json()["number"] == "RL-2026-0002"
    submitted = (await client.get(f"/api/v1/statements/{first}", headers=headers)).json()
    assert submitted["site_siret"] == "21500564400017"
    assert submitted["bank_iban_masked"] == "FR76 **** **** **** **** ***0 189"
    kept = await Statement.select(Statement.bank_details_id).where(Statement.id == first)
    assert kept[0]["bank_details_id"] == recorded.json()["id"]
    assert (await client.get(f"/api/v1/statements/{second}", headers=headers)).json()[
        "bank_iban_masked"
    ] is None  # the other site has no validated bank details

    await login(client, world.site_agent)
    response = await client.get(f"/releves/{first}/pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "RL-2026-0001" in text and "SIRET 21500564400017" in text
    assert "IBAN FR76 **** **** **** **** ***0 189" in text and "BIC BDFEFRPPCCT" in text
    assert "1234567890" not in text
    assert "Signature" in text and "10/04/2026" in text
    kept = await storage.stat("reimbursements/releves/RL-2026-0001.pdf")
    assert kept is not None and kept.content_type == "application/pdf"
    page = text_of((await client.get(f"/releves/{first}")).text)
    assert "RL-2026-0001" in page


async def test_numbers_start_again_each_year_and_a_draft_has_none(client, world, clock_at):
    clock_at(datetime(2026, 12, 31, 18, 0))
    old, new, draft = await drafts(world.site_id, world.other_site_id, world.prescriber_org_id)
    headers = await world.staff.bearer()
    await client.post(f"/api/v1/statements/{old}/submit", headers=headers)
    clock_at(datetime(2027, 1, 4, 9, 0))
    answer = await client.post(f"/api/v1/statements/{new}/submit", headers=headers)
    assert answer.json()["number"] == "RL-2027-0001"
    assert (await client.get(f"/api/v1/statements/{draft}", headers=headers)).json()[
        "number"
    ] is None


async def test_staff_submit_several_statements_at_once_after_a_confirmation(
    client, world, clock_at
):
    clock_at(APRIL)
    ids = await drafts(world.site_id, world.other_site_id)
    await login(client, world.staff)
    listing = text_of((await client.get("/releves?status=draft")).text)
    assert "Transmettre les relevés cochés" in listing
    ask = await post_form(client, "/releves/transmettre", {"statement_ids": [str(i) for i in ids]})
    assert ask.status_code == 200
    question = text_of(ask.text)
    assert "Transmettre 2 relevés" in question and "40,00" in question
    assert await Statement.count().where(Statement.status == "submitted") == 0
    done = await post_form(
        client,
        "/releves/transmettre",
        {"statement_ids": [str(i) for i in ids], "confirmation": "oui"},
    )
    assert done.status_code == 200, done.text
    assert "2 relevés transmis" in text_of(done.text)
    numbers = await Statement.select(Statement.number).order_by(Statement.id)
    assert [r["number"] for r in numbers] == ["RL-2026-0001", "RL-2026-0002"]


async def test_several_statements_through_the_api_take_consecutive_numbers(client, world, clock_at):
    clock_at(APRIL)
    ids = await drafts(world.site_id, world.other_site_id)
    headers = await world.staff.bearer()
    answer = await client.post(
        "/api/v1/statements/submit", json={"statement_ids": ids}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    assert [s["number"] for s in answer.json()] == ["RL-2026-0001", "RL-2026-0002"]


async def test_numbers_stay_gap_free_and_unique_when_statements_are_submitted_at_once(
    client, world, clock_at
):
    clock_at(APRIL)
    sites = [await make_organisation(f"Mairie n°{i}", "site") for i in range(12)]
    ids = await drafts(*sites)
    headers = await world.staff.bearer()
    answers = await asyncio.gather(
        *(client.post(f"/api/v1/statements/{i}/submit", headers=headers) for i in ids),
        *(client.post(f"/api/v1/statements/{i}/submit", headers=headers) for i in ids[:3]),
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * 12 + [409] * 3, [a.text for a in answers if a.status_code != 200]
    numbers = sorted(r["number"] for r in await Statement.select(Statement.number))
    assert numbers == [f"RL-2026-{n:04d}" for n in range(1, 13)]


@pytest.mark.postgres_only
async def test_on_postgresql_two_workers_submitting_at_once_never_skip_or_repeat_a_number(
    pg_server, world
):
    """Real concurrent requests: ``passnum serve --workers 2``, each with its pool, 40 requests
    at once (some submitting one statement, some several, some the same ones twice)."""
    sites = [await make_organisation(f"Mairie n°{i}", "site") for i in range(30)]
    ids = await drafts(*sites)
    headers = await world.staff.bearer()
    one_by_one = [(f"{pg_server}/api/v1/statements/{i}/submit", None) for i in ids[:20]]
    grouped = [
        (f"{pg_server}/api/v1/statements/submit", {"statement_ids": ids[n : n + 2]})
        for n in range(20, 30, 2)
    ]
    twice = [(f"{pg_server}/api/v1/statements/{i}/submit", None) for i in ids[:15]]
    async with httpx.AsyncClient(headers=headers, timeout=60) as http:
        answers = await asyncio.gather(
            *(http.post(url, json=body) for url, body in [*one_by_one, *grouped, *twice])
        )
    assert {a.status_code for a in answers} <= {200, 409}, [a.text for a in answers]
    assert sum(a.status_code == 200 for a in answers) == 25  # 20 alone + 5 pairs
    year = clock.today().year
    numbers = sorted(r["number"] for r in await Statement.select(Statement.number))
    assert numbers == [f"RL-{year}-{n:04d}" for n in range(1, 31)]
