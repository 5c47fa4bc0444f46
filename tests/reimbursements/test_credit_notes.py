"""After a print run's grace period the operator and the funder agree a joint statement (état
contradictoire) of what became of its booklets; the credit note for the unused cheques is created
from it, numbered when issued (AV-2026-0001), then settled. Its amount never changes once issued."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date, datetime

from pypdf import PdfReader

from passnum import storage
from passnum.csvout import FrenchExcel
from passnum.tables import AuditEntry
from reimbursements.tables import CreditNote
from tests.factories import login, make_organisation, make_person, post_form, text_of
from tests.reporting.dataset import Dataset, make_batch, make_booklet, redeem
from vouchers.tables import Batch, Cheque

AFTER_GRACE = datetime(2026, 2, 10, 9, 0)  # CAF 2025: valid until 31/12/2025, + 31 days
EXPIRED = dict(valid_from=date(2025, 1, 1), valid_until=date(2025, 12, 31), grace_days=31)


def pdf_text(body: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


async def expired_print_runs(world) -> Dataset:
    """CAF 2025, 15 € cheques: 6 booklets, 4 handed out, 3 of them started (2, 5 and 1 cheques
    used); CAF 2026 still running; the Département's own 2025 run (one booklet, unused)."""
    data = Dataset()
    caf = await make_batch(world.funder_id, face_value_cents=1500, label="CAF 2025", **EXPIRED)
    for used in [2, 5, 1, 0, None, None]:
        handed = datetime(2025, 3, 1) if used is not None else None
        booklet = await make_booklet(
            data, caf, world.funder_id, 1500, world.prescriber_org_id, handed
        )
        for cheque in booklet.cheques[: used or 0]:
            await redeem(cheque, world.site_id, datetime(2025, 4, 1, 10))
    current = await make_batch(world.funder_id, face_value_cents=1500, label="CAF 2026")
    await make_booklet(data, current, world.funder_id, 1500, world.prescriber_org_id, None)
    dept = await make_batch(world.operator_id, label="Département 2025", **EXPIRED)
    await make_booklet(Dataset(), dept, world.operator_id, 1000, world.prescriber_org_id, None)
    return data


def expected_figures(data: Dataset, batch_id: int) -> dict[str, int]:
    """The joint statement's figures, recomputed from the facts the test wrote."""
    booklets = [b for b in data.booklets if b.batch_id == batch_id]
    cheques = [c for b in booklets for c in b.cheques]
    used = [c for c in cheques if c.redeemed_at]
    face = booklets[0].face_value_cents
    return {
        "booklets_issued": len(booklets),
        "booklets_handed_out": sum(1 for b in booklets if b.issued_at),
        "booklets_started": sum(1 for b in booklets if any(c.redeemed_at for c in b.cheques)),
        "cheques": len(cheques),
        "cheques_used": len(used),
        "cheques_unused": len(cheques) - len(used),
        "used_cents": len(used) * face,
        "unused_cents": (len(cheques) - len(used)) * face,
    }


async def caf_2025(data: Dataset) -> int:
    return data.booklets[0].batch_id


async def test_the_joint_statement_gives_the_figures_recomputed_here(client, world, clock_at):
    clock_at(AFTER_GRACE)
    data = await expired_print_runs(world)
    batch_id = await caf_2025(data)
    expected = expected_figures(data, batch_id)
    assert expected["booklets_started"] == 3 and expected["unused_cents"] == 22 * 1500
    staff = await world.staff.bearer()
    answer = await client.get(f"/api/v1/joint-statements/{batch_id}", headers=staff)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert {k: body[k] for k in expected} == expected
    assert body["state"] == "not_established" and body["funder_id"] == world.funder_id

    await login(client, world.funder)
    page = text_of((await client.get(f"/etats-contradictoires/{batch_id}")).text)
    assert "État contradictoire" in page and "CAF 2025" in page and "330,00" in page
    pdf = pdf_text((await client.get(f"/etats-contradictoires/{batch_id}/pdf")).content)
    assert "injectés" in pdf and "330,00 €" in pdf and "180,00 €" not in pdf
    assert "120,00 €" in pdf  # 8 cheques used × 15 €
    rows = list(
        csv.reader(
            io.StringIO(
                (await client.get(f"/etats-contradictoires/{batch_id}/csv")).content.decode(
                    "utf-8-sig"
                )
            ),
            FrenchExcel,
        )
    )
    figures = dict(zip(rows[0], rows[1], strict=True))
    assert figures["carnets_injectes"] == "4" and figures["cheques_non_utilises"] == "22"
    assert figures["montant_non_utilise_euros"] == "330,00"


async def test_no_joint_statement_while_the_grace_period_still_accepts_the_cheques(
    client, world, clock_at
):
    clock_at(datetime(2026, 1, 31, 12, 0))
    data = await expired_print_runs(world)
    staff = await world.staff.bearer()
    url = f"/api/v1/joint-statements/{await caf_2025(data)}"
    answer = await client.post(url, headers=staff)
    assert (answer.status_code, answer.json()["error"]) == (409, "grace_not_over")
    assert "31/01/2026" in answer.json()["message"]


async def test_agreed_then_credited_issued_and_settled_each_step_dated_and_audited(
    client, world, clock_at
):
    clock_at(AFTER_GRACE)
    data = await expired_print_runs(world)
    batch_id = await caf_2025(data)
    staff, funder = await world.staff.bearer(), await world.funder.bearer()
    url = f"/api/v1/joint-statements/{batch_id}"
    assert (await client.post(url, headers=staff)).json()["state"] == "established"
    early = await client.post(f"{url}/credit-note", headers=staff)
    assert (early.status_code, early.json()["error"]) == (409, "joint_statement_not_agreed")
    agreed = await client.post(f"{url}/agree", headers=funder)
    assert agreed.status_code == 200 and agreed.json()["state"] == "agreed"
    assert agreed.json()["agreed_by"] == world.funder.email

    created = await client.post(f"{url}/credit-note", headers=staff)
    assert created.status_code == 201, created.text
    note = created.json()
    assert (note["state"], note["number"], note["amount_cents"]) == ("draft", None, 33000)
    # A cheque found redeemed afterwards changes neither the agreed figures nor the note.
    await Cheque.update({Cheque.status: "redeemed"}).where(
        Cheque.id == data.booklets[5].cheques[0].id
    )
    issued = await client.post(f"/api/v1/credit-notes/{note['id']}/issue", headers=staff)
    assert issued.status_code == 200, issued.text
    assert (issued.json()["state"], issued.json()["number"]) == ("issued", "AV-2026-0001")
    assert issued.json()["amount_cents"] == 33000 and issued.json()["issued_at"]
    settled = await client.post(
        f"/api/v1/credit-notes/{note['id']}/settle",
        json={"settled_on": "2026-02-09", "reference": "Mandat 2026-77"},
        headers=staff,
    )
    assert settled.status_code == 200 and settled.json()["state"] == "settled"
    assert settled.json()["settled_on"] == "2026-02-09"
    again = await client.post(f"/api/v1/credit-notes/{note['id']}/issue", headers=staff)
    assert (again.status_code, again.json()["error"]) == (409, "credit_note_not_draft")

    listed = (await client.get("/api/v1/credit-notes", headers=funder)).json()
    assert [(n["number"], n["state"], n["amount_cents"]) for n in listed] == [
        ("AV-2026-0001", "settled", 33000)
    ]
    actions = [
        r["action"]
        for r in await AuditEntry.select(AuditEntry.action)
        .where(AuditEntry.entity == "credit_note")
        .order_by(AuditEntry.id)
    ]
    assert actions == ["create", "issue", "settle"]
    assert await storage.exists("reimbursements/avoirs/AV-2026-0001.pdf")

    await login(client, world.funder)
    pdf = pdf_text((await client.get(f"/avoirs/{note['id']}/pdf")).content)
    assert "AV-2026-0001" in pdf and "CAF de la Manche" in pdf and "330,00 €" in pdf
    assert "Signature" in pdf
    page = text_of((await client.get("/avoirs")).text)
    assert "AV-2026-0001" in page and "Réglé" in page


async def test_a_funder_sees_only_its_own_runs_and_credit_notes(client, world, clock_at):
    clock_at(AFTER_GRACE)
    data = await expired_print_runs(world)
    other_org = await make_organisation("CPAM de la Manche", "funder")
    other = await make_person("financeur@cpam.test", other_org, "funder")
    headers = await other.bearer()
    answer = await client.get(f"/api/v1/joint-statements/{await caf_2025(data)}", headers=headers)
    assert answer.status_code == 404
    assert (await client.get("/api/v1/credit-notes", headers=headers)).json() == []


async def test_staff_walk_the_joint_statement_and_credit_note_through_the_pages(
    client, world, clock_at
):
    clock_at(AFTER_GRACE)
    data = await expired_print_runs(world)
    batch_id = await caf_2025(data)
    await login(client, world.staff)
    listing = text_of((await client.get("/avoirs")).text)
    assert "CAF 2025" in listing and "Département 2025" in listing and "CAF 2026" not in listing
    base = f"/etats-contradictoires/{batch_id}"
    await post_form(client, f"{base}/etablir", {})
    page = await post_form(client, f"{base}/accord", {"confirmation": "oui"})
    assert "Accord du financeur enregistré" in text_of(page.text)
    page = await post_form(client, f"{base}/avoir", {})
    note = await CreditNote.objects().first()
    assert note is not None and note.amount_cents == 33000
    page = await post_form(client, f"/avoirs/{note.id}/emettre", {})
    assert "AV-2026-0001" in text_of(page.text)


async def test_credit_notes_issued_at_once_take_consecutive_numbers(client, world, clock_at):
    clock_at(AFTER_GRACE)
    staff = await world.staff.bearer()
    ids = []
    for n in range(6):
        batch = await make_batch(world.funder_id, label=f"CAF 2025-{n}", **EXPIRED)
        await make_booklet(Dataset(), batch, world.funder_id, 1000, world.prescriber_org_id, None)
        url = f"/api/v1/joint-statements/{batch}"
        await client.post(url, headers=staff)
        await client.post(f"{url}/agree", headers=staff)
        ids.append((await client.post(f"{url}/credit-note", headers=staff)).json()["id"])
    answers = await asyncio.gather(
        *(client.post(f"/api/v1/credit-notes/{i}/issue", headers=staff) for i in ids * 2)
    )
    assert sorted(a.status_code for a in answers) == [200] * 6 + [409] * 6
    numbers = sorted(r["number"] for r in await CreditNote.select(CreditNote.number))
    assert numbers == [f"AV-2026-{n:04d}" for n in range(1, 7)]


async def test_a_run_never_activated_has_no_joint_statement(client, world, clock_at):
    clock_at(AFTER_GRACE)
    draft = await make_batch(world.funder_id, label="CAF brouillon", **EXPIRED)
    await Batch.update({Batch.status: "draft"}).where(Batch.id == draft)
    answer = await client.post(
        f"/api/v1/joint-statements/{draft}", headers=await world.staff.bearer()
    )
    assert (answer.status_code, answer.json()["error"]) == (409, "batch_not_active")
