"""Credit notes: after a print run's grace period, its unused cheques go back to the funder."""

from __future__ import annotations

import io
from datetime import date, datetime

from pypdf import PdfReader

from organisations.actors import load_actor
from reimbursements.credit_notes import credit_notes
from tests.factories import login
from tests.reporting.dataset import Dataset, make_batch, make_booklet, redeem


def pdf_text(body: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


async def expired_print_runs(world) -> int:
    """CAF: 3 booklets of 15 € expired (4 cheques used); a run still valid; the Département's."""
    data = Dataset()
    expired = dict(valid_from=date(2025, 1, 1), valid_until=date(2025, 12, 31), grace_days=31)
    caf = await make_batch(world.funder_id, face_value_cents=1500, label="CAF 2025", **expired)
    for i in range(3):
        booklet = await make_booklet(
            data, caf, world.funder_id, 1500, world.prescriber_org_id, datetime(2025, 3, 1)
        )
        for cheque in booklet.cheques[: 2 if i < 2 else 0]:
            await redeem(cheque, world.site_id, datetime(2025, 4, 1, 10))
    current = await make_batch(world.funder_id, face_value_cents=1500, label="CAF 2026")
    await make_booklet(data, current, world.funder_id, 1500, world.prescriber_org_id, None)
    dept = await make_batch(world.operator_id, label="Département 2025", **expired)
    await make_booklet(data, dept, world.operator_id, 1000, world.prescriber_org_id, None)
    return 15 - 4


async def test_funder_downloads_a_credit_note_pdf_naming_them_with_the_unused_amount(client, world):
    unused = await expired_print_runs(world)
    await login(client, world.funder)
    response = await client.get(f"/avoirs/{world.funder_id}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/pdf")
    text = pdf_text(response.content)
    assert "CAF de la Manche" in text
    amount = f"{unused * 15},00 €"
    assert amount == "165,00 €" and amount in text
    assert "CAF 2025" in text and "CAF 2026" not in text
    refused = await client.get(f"/avoirs/{world.operator_id}/pdf")
    assert refused.status_code == 404  # another funder's credit note is not theirs to see


async def test_staff_download_each_funders_credit_note(client, world):
    await expired_print_runs(world)
    await login(client, world.staff)
    text = pdf_text((await client.get(f"/avoirs/{world.operator_id}/pdf")).content)
    assert "Département de la Manche" in text and "50,00 €" in text


async def test_no_credit_note_while_the_grace_period_still_accepts_the_cheques(world):
    await expired_print_runs(world)  # valid until 31/12/2025, accepted 31 days more
    staff = await load_actor(world.staff.user_id)
    during_grace = await credit_notes(staff, today=date(2026, 1, 31))
    assert during_grace == []
    after = await credit_notes(staff, today=date(2026, 2, 1))
    assert {line.batch_label for note in after for line in note.lines} == {
        "CAF 2025",
        "Département 2025",
    }
