"""Prescribers hand booklets from their own stock with a minimal beneficiary record, get a
receipt for the person, follow what happened to each booklet and cancel lost ones."""

from __future__ import annotations

from passnum.errors import DomainError
from tests.vouchers.conftest import actor_of, codes_of, make_batch, numbers_of
from vouchers import schemas
from vouchers import services as svc
from vouchers.tables import Beneficiary, Booklet, Cheque

PERSON = {
    "consent": True,
    "insee_code": "50147",
    "age_band": "60_69",
    "social_status": "retired",
    "needs": ["health", "admin"],
    "reference": "Mme R., dossier 12",
}


async def test_prescriber_hands_out_a_booklet_and_gets_the_receipt(client, scene):
    response = await client.post(
        "/api/v1/handouts",
        json={"booklet_number": f"n° {scene.allocated}", "beneficiary": PERSON},
        headers=await scene.world.prescriber.bearer(),
    )
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["booklet_number"] == scene.allocated
    assert receipt["prescriber_name"] == "Centre médico-social de Coutances"
    assert receipt["cheque_count"] == 5 and receipt["accepted_everywhere"] is True
    assert receipt["accepted_sites"] == [] and receipt["directory_url"].endswith("/lieux")
    record = await Beneficiary.select().where(Beneficiary.reference == "Mme R., dossier 12").first()
    assert record["needs"] in (["admin", "health"], '["admin", "health"]')


async def test_consent_is_required_before_handing_out(client, scene):
    response = await client.post(
        "/api/v1/handouts",
        json={"booklet_number": scene.allocated, "beneficiary": {**PERSON, "consent": False}},
        headers=await scene.world.prescriber.bearer(),
    )
    assert (response.status_code, response.json()["error"]) == (422, "consent_required")


async def test_a_booklet_can_only_be_handed_out_from_ones_own_stock_once(client, scene):
    other = await client.post(
        "/api/v1/handouts",
        json={"booklet_number": scene.allocated, "beneficiary": PERSON},
        headers=await scene.world.other_prescriber.bearer(),
    )
    assert (other.status_code, other.json()["error"]) == (409, "not_in_your_stock")
    twice = await client.post(
        "/api/v1/handouts",
        json={"booklet_number": scene.issued, "beneficiary": PERSON},
        headers=await scene.world.prescriber.bearer(),
    )
    assert (twice.status_code, twice.json()["error"]) == (409, "already_handed_out")
    typo = await client.post(
        "/api/v1/handouts",
        json={"booklet_number": scene.issued[:-1] + "x", "beneficiary": PERSON},
        headers=await scene.world.prescriber.bearer(),
    )
    assert (typo.status_code, typo.json()["error"]) == (422, "malformed_number")


async def test_booklets_of_a_batch_not_yet_paid_cannot_be_handed_out(world):
    batch = await make_batch(world, count=1, active=False)
    staff = await actor_of(world.staff)
    await svc.move_booklets(
        staff, schemas.StockMoveIn(to_organisation_id=world.prescriber_org_id, count=1)
    )
    number = (await numbers_of(batch))[0]
    try:
        await svc.hand_out_booklet(
            await actor_of(world.prescriber),
            schemas.HandOutIn(number, schemas.BeneficiaryIn(**PERSON)),
        )
    except DomainError as error:
        assert error.code == "batch_not_active"
    else:
        raise AssertionError("handed out from a draft batch")


async def test_prescriber_cancels_a_lost_booklet_and_hands_out_a_replacement(client, scene):
    headers = await scene.world.prescriber.bearer()
    await client.post(
        "/api/v1/redemptions",
        json={"code": scene.codes[0], "activity": "individual"},
        headers=await scene.world.site_agent.bearer(),
    )
    cancelled = await client.post(
        f"/api/v1/booklets/{scene.issued}/cancel",
        json={"reason": "stolen", "note": "volé dans le bus"},
        headers=headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["cancelled_cheques"] == 4
    rows = (
        await Cheque.select(Cheque.status)
        .where(Cheque.booklet._.number == scene.issued)  # the first five ids need not be its own
        .order_by(Cheque.position)
    )
    statuses = [r["status"] for r in rows]
    assert statuses == ["redeemed", "cancelled", "cancelled", "cancelled", "cancelled"]
    again = await client.post(
        f"/api/v1/booklets/{scene.issued}/cancel", json={"reason": "lost"}, headers=headers
    )
    assert (again.status_code, again.json()["error"]) == (409, "not_cancellable")
    replacement = await client.post(
        "/api/v1/handouts",
        json={"booklet_number": scene.allocated, "replaces": scene.issued},
        headers=headers,
    )
    assert replacement.status_code == 201, replacement.text
    assert replacement.json()["replaces"] == scene.issued
    old, new = (
        await Booklet.select(Booklet.beneficiary)
        .where(Booklet.number.is_in([scene.issued, scene.allocated]))
        .order_by(Booklet.serial)
    )
    assert old["beneficiary"] == new["beneficiary"]


async def test_only_the_issuing_prescriber_or_staff_may_cancel(client, scene):
    refused = await client.post(
        f"/api/v1/booklets/{scene.issued}/cancel",
        json={"reason": "lost"},
        headers=await scene.world.other_prescriber.bearer(),
    )
    assert refused.status_code == 403
    bad_reason = await client.post(
        f"/api/v1/booklets/{scene.issued}/cancel",
        json={"reason": "bored"},
        headers=await scene.world.staff.bearer(),
    )
    assert bad_reason.json()["field"] == "reason"
    by_staff = await client.post(
        f"/api/v1/booklets/{scene.in_stock}/cancel",
        json={"reason": "damaged"},
        headers=await scene.world.staff.bearer(),
    )
    assert by_staff.status_code == 200 and by_staff.json()["cancelled_cheques"] == 5


async def test_prescribers_see_which_cheques_were_used_where_and_when(client, scene):
    await client.post(
        "/api/v1/redemptions",
        json={"code": scene.codes[1], "activity": "workshop"},
        headers=await scene.world.other_site_agent.bearer(),
    )
    feedback = await client.get("/api/v1/handouts", headers=await scene.world.prescriber.bearer())
    assert feedback.status_code == 200
    [booklet] = feedback.json()
    assert booklet["booklet_number"] == scene.issued and booklet["used_count"] == 1
    assert booklet["reference"] == "Dossier CMS 2026-0042"
    used = [c for c in booklet["cheques"] if c["status"] == "redeemed"]
    assert used[0]["site"] == "Bibliothèque de Périers" and used[0]["position"] == 2
    assert len(booklet["cheques"]) == 5


async def test_staff_search_by_number_or_code_shows_the_whole_history(client, scene):
    headers = await scene.world.staff.bearer()
    await client.post(
        "/api/v1/redemptions",
        json={"code": scene.codes[0], "activity": "workshop"},
        headers=await scene.world.site_agent.bearer(),
    )
    by_code = await client.get(f"/api/v1/search?q={scene.codes[0].lower()}", headers=headers)
    by_number = await client.get(f"/api/v1/search?q={scene.issued}", headers=headers)
    assert by_code.status_code == by_number.status_code == 200
    history = by_code.json()
    assert history["matched_code"] == scene.codes[0]
    assert history["booklet_number"] == scene.issued
    assert [s["result"] for s in history["scans"]] == ["redeemed"]
    assert {a["action"] for a in history["audit"]} >= {"hand_out", "redeem"}
    assert history["beneficiary"]["age_band"] == "70_plus"
    assert "reference" not in history["beneficiary"]
    assert "Dossier CMS" not in by_number.text
    nothing = await client.get("/api/v1/search?q=rien", headers=headers)
    assert (nothing.status_code, nothing.json()["error"]) == (404, "not_found")


async def test_public_status_of_a_cheque_tells_whether_it_can_be_used(client, scene):
    valid = await client.get(f"/api/v1/cheques/{scene.codes[0]}")
    assert valid.status_code == 200
    assert valid.json()["status"] == "valid" and valid.json()["accepted_until"]
    in_stock = await client.get(f"/api/v1/cheques/{(await codes_of(scene.in_stock))[0]}")
    assert in_stock.json()["status"] == "not_issued"
    bad = await client.get("/api/v1/cheques/AAAA-BBBB")
    assert (bad.status_code, bad.json()["error"]) == (422, "malformed")
