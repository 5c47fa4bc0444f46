"""Settling a credit note: what staff must give, the days it can bear, and only that note moves.

Written from mutation testing (docs/mutation.md, ``reimbursements.credit_notes``): settling was
tested once, on the happy path.
"""

from __future__ import annotations

from datetime import date

from reimbursements.tables import CreditNote
from tests.factories import login
from tests.reimbursements.test_credit_notes import AFTER_GRACE, EXPIRED
from tests.reporting.dataset import Dataset, make_batch, make_booklet


async def _notes(client, world, count: int) -> list[int]:
    staff = await world.staff.bearer()
    ids = []
    for n in range(count):
        batch = await make_batch(world.funder_id, label=f"CAF 2025-{n}", **EXPIRED)
        await make_booklet(Dataset(), batch, world.funder_id, 1000, world.prescriber_org_id, None)
        url = f"/api/v1/joint-statements/{batch}"
        await client.post(url, headers=staff)
        await client.post(f"{url}/agree", headers=staff)
        ids.append((await client.post(f"{url}/credit-note", headers=staff)).json()["id"])
    return ids


async def _settle(client, world, note_id: int, settled_on: str, reference: str):
    return await client.post(
        f"/api/v1/credit-notes/{note_id}/settle",
        json={"settled_on": settled_on, "reference": reference},
        headers=await world.staff.bearer(),
    )


async def test_settling_needs_a_reference_and_a_day_not_after_today(client, world, clock_at):
    clock_at(AFTER_GRACE)
    (note,) = await _notes(client, world, 1)
    staff = await world.staff.bearer()
    assert (
        await client.post(f"/api/v1/credit-notes/{note}/issue", headers=staff)
    ).status_code == 200
    blank = await _settle(client, world, note, "2026-02-09", "  ")
    assert (blank.status_code, blank.json()["error"]) == (422, "invalid")
    assert blank.json()["message"] == "Indiquez la référence du règlement (mandat, virement…)."
    tomorrow = await _settle(client, world, note, "2026-02-11", "Mandat 1")
    assert (tomorrow.status_code, tomorrow.json()["error"]) == (422, "invalid")
    assert tomorrow.json()["message"] == "La date du règlement ne peut pas être dans le futur."
    reference = "Mandat " + "7" * 150
    today = await _settle(client, world, note, "2026-02-10", reference)
    assert today.status_code == 200, today.text
    settled = await CreditNote.objects().get(CreditNote.id == note)
    assert (settled.state, settled.settled_on) == ("settled", date(2026, 2, 10))
    assert settled.settlement_reference == reference[:100]
    await login(client, world.staff)
    page = await client.get(f"/avoirs/{note}")
    history = page.text.split('id="historique"')[1]
    rows = [r for r in history.split("<tr>") if "Mandat 777" in r]
    assert len(rows) == 1 and world.staff.email in rows[0]


async def test_only_an_issued_note_is_settled_and_the_others_do_not_move(client, world, clock_at):
    clock_at(AFTER_GRACE)
    draft, issued, other = await _notes(client, world, 3)
    staff = await world.staff.bearer()
    for note in (issued, other):
        await client.post(f"/api/v1/credit-notes/{note}/issue", headers=staff)
    refused = await _settle(client, world, draft, "2026-02-09", "Mandat 1")
    assert (refused.status_code, refused.json()["error"]) == (409, "credit_note_not_issued")
    assert refused.json()["message"] == "Seul un avoir émis et non réglé se règle."
    missing = await _settle(client, world, 99_999, "2026-02-09", "Mandat 1")
    assert missing.status_code == 404
    assert (await _settle(client, world, issued, "2026-02-09", "Mandat 2")).status_code == 200
    states = {r["id"]: r["state"] for r in await CreditNote.select(CreditNote.id, CreditNote.state)}
    assert states == {draft: "draft", issued: "settled", other: "issued"}


async def test_an_issued_note_says_who_issued_it_and_its_history_its_number(
    client, world, clock_at
):
    clock_at(AFTER_GRACE)
    (note,) = await _notes(client, world, 1)
    issued = await client.post(
        f"/api/v1/credit-notes/{note}/issue", headers=await world.staff.bearer()
    )
    assert issued.status_code == 200, issued.text
    await login(client, world.staff)
    page = await client.get(f"/avoirs/{note}")
    assert f"par {world.staff.email}</dd>" in page.text
    history = page.text.split('id="historique"')[1]
    rows = [r for r in history.split("<tr>") if "AV-2026-0001" in r]
    assert len(rows) == 1 and world.staff.email in rows[0]
