"""The demo gives every role something real to look at: the funder's account sees an active print
run and one whose validity has ended, its statistics and its credit note; the demo site agent's
site has last month's statement."""

from __future__ import annotations

from datetime import date, timedelta

from composition.demo import load_demo
from passnum import clock
from tests.factories import create_token

FUNDER = "financeur@demo.passnum.fr"
SITE_AGENT = "mairie.sainteny@demo.passnum.fr"


async def _as(email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {await create_token(email, 'tests')}"}


async def test_the_demo_funder_has_an_active_and_an_ended_print_run_statistics_and_a_credit_note(
    client,
):
    await load_demo()
    headers = await _as(FUNDER)
    batches = (await client.get("/api/v1/batches", headers=headers)).json()
    today = clock.today()
    active = [b for b in batches if b["status"] == "active"]
    assert any(date.fromisoformat(b["accepted_until"]) >= today for b in active), batches
    assert any(date.fromisoformat(b["accepted_until"]) < today for b in active), batches
    stats = (await client.get("/api/v1/voucher-statistics", headers=headers)).json()
    assert stats["booklets_issued"] > 0 and stats["cheques_redeemed"] > 0
    notes = (await client.get("/api/v1/credit-notes", headers=headers)).json()
    assert len(notes) == 1 and notes[0]["state"] == "draft" and notes[0]["unused_cheques"] > 0
    runs = (await client.get("/api/v1/joint-statements", headers=headers)).json()
    assert [r["state"] for r in runs] == ["agreed"]


async def test_the_demo_site_has_last_months_statement(client):
    await load_demo()
    await load_demo()  # safe to run again
    last_month = (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    headers = await _as(SITE_AGENT)
    statements = (await client.get("/api/v1/statements", headers=headers)).json()
    mine = [s for s in statements if s["period_start"] == last_month.isoformat()]
    assert len(mine) == 1 and mine[0]["cheque_count"] > 0, statements
