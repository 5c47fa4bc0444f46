"""A redemption made by mistake is reversed: by the site agent who made it within 15 minutes, by the
Département until that month's statement is submitted. The cheque is valid again, the ledger keeps
both rows and the audit trail names who and why (POST /api/v1/redemptions/{code}/reversal)."""

from __future__ import annotations

from datetime import timedelta

from passnum import clock
from passnum.tables import AuditEntry
from reimbursements.tables import Statement, StatementLine
from reporting.signals import signals
from tests.factories import login, post_form
from tests.vouchers.conftest import actor_of
from tests.vouchers.pages_helpers import seen
from tests.vouchers.test_pages_scanner import result_of, scan
from vouchers import services as svc
from vouchers.tables import Booklet, Cheque, ScanAttempt

WHY = "Scanné sur le mauvais carnet : la personne avait donné le chèque de sa voisine."


async def redeem(client, person, code: str):
    response = await client.post(
        "/api/v1/redemptions",
        json={"code": code, "activity": "individual"},
        headers=await person.bearer(),
    )
    assert response.status_code == 201, response.text
    return response


async def reverse(client, person, code: str, reason: str = WHY):
    return await client.post(
        f"/api/v1/redemptions/{code}/reversal",
        json={"reason": reason},
        headers=await person.bearer(),
    )


async def _redeemed_minutes_ago(code: str, minutes: int) -> None:
    at = clock.stamp() - timedelta(minutes=minutes)
    await Cheque.update({Cheque.redeemed_at: at}).where(Cheque.code == code)


async def test_the_agent_who_scanned_by_mistake_reverses_it_and_the_cheque_is_valid_again(
    client, scene
):
    agent, code = scene.world.site_agent, scene.codes[0]
    await redeem(client, agent, code)
    response = await reverse(client, agent, code)
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["status"], data["reason"], data["reversed_by"]) == ("valid", WHY, agent.email)
    assert (await client.get(f"/api/v1/cheques/{code}")).json()["status"] == "valid"
    booklet = await Booklet.select().where(Booklet.number == scene.issued).first()
    assert booklet["used_count"] == 0
    await redeem(client, scene.world.other_site_agent, code)  # usable again, elsewhere
    ledger = (
        await ScanAttempt.select().where(ScanAttempt.cheque.code == code).order_by(ScanAttempt.id)
    )
    assert [r["result"] for r in ledger] == ["redeemed", "reversed", "redeemed"]
    entry = (
        await AuditEntry.select()
        .where((AuditEntry.action == "reverse_redemption") & (AuditEntry.entity_id == code))
        .output(load_json=True)
        .first()
    )
    assert entry["user_email"] == agent.email and entry["changes"]["reason"] == WHY


async def test_after_15_minutes_the_agent_is_refused_and_staff_can_still_reverse(client, scene):
    agent, code = scene.world.site_agent, scene.codes[0]
    await redeem(client, agent, code)
    await _redeemed_minutes_ago(code, 14)
    assert (await reverse(client, agent, code, "Erreur de carnet")).status_code == 200
    await redeem(client, agent, code)
    await _redeemed_minutes_ago(code, 16)
    refused = await reverse(client, agent, code)
    assert (refused.status_code, refused.json()["error"]) == (409, "reversal_too_late")
    assert "15 minutes" in refused.json()["message"]
    done = await reverse(client, scene.world.staff, code, "Appel de la mairie du 12/11")
    assert done.status_code == 200 and done.json()["reversed_by"] == scene.world.staff.email


async def test_only_the_agent_who_made_it_may_reverse_it(client, scene):
    code = scene.codes[0]
    await redeem(client, scene.world.site_agent, code)
    refused = await reverse(client, scene.world.other_site_agent, code)
    assert (refused.status_code, refused.json()["error"]) == (403, "reversal_not_yours")
    for person in (scene.world.prescriber, scene.world.funder):
        assert (await reverse(client, person, code)).status_code == 403


async def test_a_reason_is_required_and_only_a_redeemed_cheque_can_be_reversed(client, scene):
    agent, code = scene.world.site_agent, scene.codes[0]
    missing = await reverse(client, agent, code, "   ")
    assert (missing.status_code, missing.json()["error"]) == (422, "invalid")
    assert missing.json()["field"] == "reason"
    unused = await reverse(client, agent, code)
    assert (unused.status_code, unused.json()["error"]) == (409, "not_redeemed")
    await redeem(client, agent, code)
    assert (await reverse(client, agent, code)).status_code == 200
    again = await reverse(client, agent, code)
    assert (again.status_code, again.json()["error"]) == (409, "not_redeemed")
    assert await ScanAttempt.count().where(ScanAttempt.result == "reversed") == 1


async def test_an_exhausted_booklet_is_in_use_again_after_a_reversal(client, scene):
    for code in scene.codes:
        await redeem(client, scene.world.site_agent, code)
    assert (await reverse(client, scene.world.site_agent, scene.codes[4])).status_code == 200
    booklet = await Booklet.select().where(Booklet.number == scene.issued).first()
    assert (booklet["status"], booklet["used_count"], booklet["exhausted_at"]) == (
        "issued",
        4,
        None,
    )


async def _statement_of_this_month(site_id: int, status: str) -> int:
    start = clock.today().replace(day=1)
    rows = await Statement.insert(
        Statement(site=site_id, period_start=start, period_end=start, status=status)
    )
    return rows[0]["id"]


async def test_staff_cannot_reverse_once_the_months_statement_is_submitted(client, scene):
    code = scene.codes[0]
    await redeem(client, scene.world.site_agent, code)
    await _statement_of_this_month(scene.world.site_id, "submitted")
    refused = await reverse(client, scene.world.staff, code)
    assert (refused.status_code, refused.json()["error"]) == (409, "statement_submitted")
    assert (await client.get(f"/api/v1/cheques/{code}")).json()["status"] == "redeemed"


async def test_a_reversal_takes_the_cheque_off_its_draft_statement(client, scene):
    codes = scene.codes[:2]
    for code in codes:
        await redeem(client, scene.world.site_agent, code)
    statement = await _statement_of_this_month(scene.world.site_id, "draft")
    for row in await Cheque.select(Cheque.id, Cheque.redeemed_at).where(Cheque.code.is_in(codes)):
        await StatementLine.insert(
            StatementLine(
                statement=statement,
                cheque=row["id"],
                funder=scene.world.operator_id,
                batch=scene.batch.id,
                face_value_cents=1000,
                redeemed_at=row["redeemed_at"],
            )
        )
    staff = await actor_of(scene.world.staff)
    await svc.reverse_redemption(staff, codes[0], "Doublon de saisie")
    draft = await Statement.select().where(Statement.id == statement).first()
    assert (draft["cheque_count"], draft["total_cents"]) == (1, 1000)
    assert await StatementLine.count().where(StatementLine.statement == statement) == 1


async def test_the_scanner_page_offers_the_agent_to_reverse_their_scan_for_15_minutes(
    client, scene
):
    agent, code = scene.world.site_agent, scene.codes[0]
    await login(client, agent)
    assert result_of(await scan(client, code)) == "redeemed"
    page = await client.get("/scanner")
    assert "Annuler cet encaissement" in seen(page)
    no_reason = await post_form(client, "/scanner/annuler", {"code": code, "reason": ""})
    assert "Annulation impossible" in seen(no_reason) and "Le chèque reste encaissé" in seen(
        no_reason
    )
    done = await post_form(client, "/scanner/annuler", {"code": code, "reason": "Mauvais chèque"})
    assert result_of(done) == "reversed"
    assert "Encaissement annulé" in seen(done) and "est de nouveau valable" in seen(done)
    assert (await client.get(f"/api/v1/cheques/{code}")).json()["status"] == "valid"
    assert result_of(await scan(client, code)) == "redeemed"
    await _redeemed_minutes_ago(code, 16)
    assert "Annuler cet encaissement" not in seen(await client.get("/scanner"))


async def test_reversals_are_not_counted_as_bursts_of_refused_scans(client, scene):
    staff = await actor_of(scene.world.staff)
    for code in scene.codes:
        await redeem(client, scene.world.site_agent, code)
        await svc.reverse_redemption(staff, code, "Carnet de démonstration")
    found = {s.title: s.rows for s in await signals(clock.today() - timedelta(days=1))}
    assert found["Rafales de codes refusés ou inconnus"] == []


async def test_staff_reverse_from_the_booklets_history_page(client, scene):
    code = scene.codes[0]
    await redeem(client, scene.world.site_agent, code)
    await login(client, scene.world.staff)
    history = await client.get(f"/staff/recherche?q={scene.issued}")
    assert seen(history).count("Annuler cet encaissement") == 1  # only the redeemed cheque
    form = {"code": code, "reason": "Appel de la mairie", "q": scene.issued}
    done = await post_form(client, "/staff/recherche/annuler", form)
    assert done.status_code == 200
    assert "annulé : il est de nouveau valable" in seen(done)
    assert "Annuler cet encaissement" not in seen(done)
    await redeem(client, scene.world.site_agent, code)
    await _statement_of_this_month(scene.world.site_id, "submitted")
    refused = await post_form(client, "/staff/recherche/annuler", form)
    assert refused.status_code == 409 and "relevé du mois" in seen(refused)
