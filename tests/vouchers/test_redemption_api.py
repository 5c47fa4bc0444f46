"""Site agents redeem cheques through POST /api/v1/redemptions: every result code, the ledger,
idempotent retries and exhausted booklets."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import msgspec
import pytest

from organisations.tables import Organisation
from passnum import clock
from tests.factories import make_person
from tests.vouchers.conftest import actor_of, allocate, codes_of, hand_out, make_batch, numbers_of
from vouchers import schemas
from vouchers import services as svc
from vouchers.codes import check_symbol, format_code, qr_payload
from vouchers.services.redemption import text_hash
from vouchers.tables import Batch, Booklet, IdempotencyRecord, ScanAttempt


def body(code: str, **extra) -> dict:
    return {"code": code, "activity": "individual", **extra}


async def redeem(client, person, code: str, **extra):
    return await client.post(
        "/api/v1/redemptions", json=body(code, **extra), headers=await person.bearer()
    )


async def test_site_agent_redeems_a_cheque_and_gets_what_to_record(client, scene):
    response = await redeem(client, scene.world.site_agent, format_code(scene.codes[0]).lower())
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["result"] == "redeemed"
    assert data["code"] == scene.codes[0]
    assert data["booklet_number"] == scene.issued
    assert data["position"] == 1
    assert data["face_value_cents"] == 1000
    assert data["funder"] == "Département de la Manche"
    assert data["site"] == "Mairie de Terre-et-Marais"
    ledger = await ScanAttempt.select().where(ScanAttempt.result == "redeemed")
    assert len(ledger) == 1 and ledger[0]["cheque"] is not None


async def test_the_whole_qr_url_typed_by_a_usb_scanner_is_accepted(client, scene):
    url = qr_payload(scene.codes[1], "https://passnum.test")
    response = await redeem(client, scene.world.site_agent, url, place="home", themes=["health"])
    assert response.status_code == 201
    assert response.json()["place"] == "home"


async def test_site_agent_cannot_redeem_a_cheque_twice(client, scene):
    first = await redeem(client, scene.world.site_agent, scene.codes[0])
    again = await redeem(client, scene.world.other_site_agent, scene.codes[0])
    assert first.status_code == 201
    assert again.status_code == 409
    data = again.json()
    assert data["error"] == "already_redeemed"
    assert data["site"] == "Mairie de Terre-et-Marais"
    assert data["redeemed_at"].startswith(clock.today().isoformat())
    assert "déjà été utilisé" in data["message"]


async def test_a_mistyped_code_is_malformed_and_never_looked_up(client, scene):
    code = scene.codes[0]
    wrong = code[:3] + ("X" if code[3] != "X" else "Y") + code[4:]
    response = await redeem(client, scene.world.site_agent, wrong)
    assert response.status_code == 422
    assert response.json()["error"] == "malformed"
    assert "mal saisi" in response.json()["message"]
    row = await ScanAttempt.select().where(ScanAttempt.result == "malformed").first()
    assert row["cheque"] is None and len(row["text_hash"]) == 64 and wrong not in str(row)


async def test_a_well_formed_code_of_no_cheque_is_unknown_and_only_its_hash_is_kept(client, scene):
    code = "000000000000000" + check_symbol("000000000000000")
    response = await redeem(client, scene.world.site_agent, code)
    assert response.status_code == 404
    assert response.json()["error"] == "unknown"
    row = await ScanAttempt.select().where(ScanAttempt.result == "unknown").first()
    assert row["text_hash"] == text_hash(code) and code not in row["text_hash"]


async def test_cancelled_booklet_cheques_are_refused(client, scene):
    await svc.cancel_booklet(await actor_of(scene.world.prescriber), scene.issued, "lost")
    response = await redeem(client, scene.world.site_agent, scene.codes[2])
    assert (response.status_code, response.json()["error"]) == (409, "cancelled")


async def test_cheques_of_a_booklet_not_handed_out_are_not_issued(client, scene):
    for number in (scene.allocated, scene.in_stock):
        response = await redeem(client, scene.world.site_agent, (await codes_of(number))[0])
        assert (response.status_code, response.json()["error"]) == (409, "not_issued")


async def test_cheques_of_a_draft_batch_are_not_issued(client, world):
    batch = await make_batch(world, count=1, active=False)
    response = await redeem(
        client, world.site_agent, (await codes_of((await numbers_of(batch))[0]))[0]
    )
    assert (response.status_code, response.json()["error"]) == (409, "not_issued")


async def _issued_code(world, **batch) -> str:
    made = await make_batch(world, count=1, **batch)
    await allocate(world, made, world.prescriber_org_id, 1)
    number = (await numbers_of(made))[0]
    await hand_out(world.prescriber, number)
    return (await codes_of(number))[0]


async def test_cheques_before_their_validity_are_not_yet_valid(client, world):
    code = await _issued_code(
        world,
        valid_from=clock.today() - timedelta(days=1),
        valid_until=clock.today() + timedelta(days=9),
    )
    await Batch.update({Batch.valid_from: clock.today() + timedelta(days=3)}).where(Batch.id > 0)
    response = await redeem(client, world.site_agent, code)
    assert (response.status_code, response.json()["error"]) == (409, "not_yet_valid")


async def test_cheques_are_accepted_during_the_grace_period_then_expire(client, world):
    code = await _issued_code(world, grace_days=31)
    await Batch.update({Batch.valid_until: clock.today() - timedelta(days=31)}).where(Batch.id > 0)
    assert (await redeem(client, world.site_agent, code)).status_code == 201
    other = await _issued_code(world, grace_days=31)
    await Batch.update({Batch.valid_until: clock.today() - timedelta(days=32)}).where(Batch.id > 0)
    response = await redeem(client, world.site_agent, other)
    assert (response.status_code, response.json()["error"]) == (409, "expired")


async def test_a_site_outside_the_batch_perimeter_is_not_accepted_here(client, world):
    code = await _issued_code(world, allowed_insee_codes=["50394"])  # Périers only
    response = await redeem(client, world.site_agent, code)
    assert (response.status_code, response.json()["error"]) == (409, "not_accepted_here")
    assert (await redeem(client, world.other_site_agent, code)).status_code == 201


async def test_a_suspended_site_is_not_qualified(client, scene):
    await Organisation.update({Organisation.site_status: "suspended"}).where(
        Organisation.id == scene.world.site_id
    )
    response = await redeem(client, scene.world.site_agent, scene.codes[0])
    assert (response.status_code, response.json()["error"]) == (403, "site_not_qualified")
    assert await ScanAttempt.count().where(ScanAttempt.result == "site_not_qualified") == 1


async def test_only_site_agents_may_redeem(client, scene):
    response = await redeem(client, scene.world.prescriber, scene.codes[0])
    assert response.status_code == 403
    response = await client.post("/api/v1/redemptions", json=body(scene.codes[0]))
    assert response.status_code == 401


@pytest.mark.parametrize(
    "extra", [{"activity": "sport"}, {"place": "beach"}, {"themes": ["x"]}, {"duration_minutes": 0}]
)
async def test_bad_session_details_are_refused_with_the_field(client, scene, extra):
    response = await client.post(
        "/api/v1/redemptions",
        json={**body(scene.codes[0]), **extra},
        headers=await scene.world.site_agent.bearer(),
    )
    assert response.status_code == 422
    assert response.json()["error"] == "invalid" and response.json()["field"] in str(extra)


async def test_every_attempt_lands_in_the_ledger(client, scene):
    agent = scene.world.site_agent
    await redeem(client, agent, scene.codes[0])
    await redeem(client, agent, scene.codes[0])
    await redeem(client, agent, "nonsense")
    results = [r["result"] for r in await ScanAttempt.select().order_by(ScanAttempt.id)]
    assert results == ["redeemed", "already_redeemed", "malformed"]


async def test_the_fifth_cheque_exhausts_the_booklet(client, scene):
    for code in scene.codes:
        assert (await redeem(client, scene.world.site_agent, code)).status_code == 201
    booklet = await Booklet.select().where(Booklet.number == scene.issued).first()
    assert booklet["status"] == "exhausted" and booklet["used_count"] == 5


async def test_a_retry_with_the_same_idempotency_key_returns_the_original_response(client, scene):
    headers = {**(await scene.world.site_agent.bearer()), "Idempotency-Key": "scan-123"}
    first = await client.post("/api/v1/redemptions", json=body(scene.codes[0]), headers=headers)
    retry = await client.post("/api/v1/redemptions", json=body(scene.codes[0]), headers=headers)
    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json()
    assert await ScanAttempt.count() == 1
    other_body = await client.post(
        "/api/v1/redemptions", json=body(scene.codes[1]), headers=headers
    )
    assert (other_body.status_code, other_body.json()["error"]) == (422, "idempotency_key_reused")
    colleague = {**(await scene.world.other_site_agent.bearer()), "Idempotency-Key": "scan-123"}
    theirs = await client.post("/api/v1/redemptions", json=body(scene.codes[0]), headers=colleague)
    assert theirs.json()["error"] == "already_redeemed"


async def test_a_duplicate_still_in_flight_gets_409_and_retry_after(client, scene):
    agent = scene.world.site_agent
    payload = schemas.RedemptionIn(code=scene.codes[0], activity="individual")
    fingerprint = hashlib.sha256(msgspec.json.encode(payload)).hexdigest()
    await IdempotencyRecord.insert(
        IdempotencyRecord(scope=f"{agent.user_id}:k1", fingerprint=fingerprint)
    )
    headers = {**(await agent.bearer()), "Idempotency-Key": "k1"}
    response = await client.post("/api/v1/redemptions", json=body(scene.codes[0]), headers=headers)
    assert response.status_code == 409
    assert response.json()["error"] == "in_progress"
    assert response.headers["retry-after"] == "1"


async def test_a_site_agent_sees_todays_redemptions_of_their_site(client, scene):
    await redeem(client, scene.world.site_agent, scene.codes[0])
    await redeem(client, scene.world.other_site_agent, scene.codes[1])
    mine = await client.get("/api/v1/redemptions", headers=await scene.world.site_agent.bearer())
    assert [r["position"] for r in mine.json()] == [1]


async def test_an_agent_of_two_sites_chooses_one(client, scene):
    agent = await make_person("renfort@manche.test", scene.world.other_site_id, "site_agent")
    response = await redeem(client, agent, scene.codes[0], site_id=scene.world.site_id)
    assert (response.status_code, response.json()["error"]) == (403, "not_site_agent")
