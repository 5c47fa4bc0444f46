"""Scanning without a network, server side: a site agent's scanner downloads a kit of keyed hashes
(never codes), accepts cheques offline, and sends them back in batches that are idempotent per
scan; the redemption rule decides each one, dated at its scan time; a cheque redeemed elsewhere
first goes to the Département's review instead of being paid twice."""

from __future__ import annotations

import asyncio
import base64
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from organisations.tables import Organisation
from passnum import clock
from reimbursements.statements import build_statements
from reimbursements.submission import submit_statements
from reimbursements.tables import Statement, StatementLine
from tests.factories import login, make_person, text_of
from tests.openapi_check import assert_documented
from tests.vouchers.conftest import actor_of, hand_out, make_batch, numbers_of
from vouchers.codes import format_code
from vouchers.services.offline import kit_hash
from vouchers.tables import Cheque, IdempotencyRecord, OfflineScan, ScanAttempt


async def get_kit(client, person) -> dict:
    response = await client.get("/api/v1/offline-kit", headers=await person.bearer())
    assert response.status_code == 200, response.text
    return response.json()


def kit_entries(kit: dict) -> dict[str, tuple[str, int, bool]]:
    """hash → (booklet number, position, redeemed), read as the scanner reads the kit."""
    entries = {}
    for line in kit["booklets"]:
        _batch, number, valid, redeemed = line.split(" ")
        for text, used in ((valid, False), (redeemed, True)):
            for i in range(0, len(text), 9):
                entries[text[i + 1 : i + 9]] = (number, int(text[i]), used)
    return entries


def key_of(kit: dict) -> bytes:
    return base64.urlsafe_b64decode(kit["key"] + "=" * (-len(kit["key"]) % 4))


def scan(code: str, kit: dict, scanned_at: datetime | None = None, **extra) -> dict:
    at = scanned_at or clock.now()
    return {
        "client_id": str(uuid.uuid4()),
        "code": code,
        "scanned_at": clock.aware(at).isoformat(),
        "activity": "individual",
        "place": "home",
        "kit": kit["token"],
        **extra,
    }


async def send(client, person, *scans: dict):
    return await client.post(
        "/api/v1/redemptions/batch", json={"scans": list(scans)}, headers=await person.bearer()
    )


async def test_the_kit_holds_keyed_hashes_of_the_cheques_accepted_here_and_no_code(client, scene):
    agent = scene.world.site_agent
    await send(client, agent, scan(scene.codes[1], await get_kit(client, agent)))
    kit = await get_kit(client, agent)
    text = str(kit)
    assert not any(code in text for code in scene.codes)
    entries = kit_entries(kit)
    key = key_of(kit)
    assert entries[kit_hash(key, scene.codes[0])] == (scene.issued, 1, False)
    assert entries[kit_hash(key, scene.codes[1])] == (scene.issued, 2, True)
    assert (kit["cheque_count"], kit["redeemed_count"]) == (5, 1)  # only the handed-out booklet
    assert kit["batches"][0]["face_value_cents"] == 1000
    assert kit["sites"] == [{"id": scene.world.site_id, "name": "Mairie de Terre-et-Marais"}]
    generated = datetime.fromisoformat(kit["generated_at"])
    assert datetime.fromisoformat(kit["refresh_after"]) - generated == timedelta(hours=1)
    assert datetime.fromisoformat(kit["expires_at"]) - generated == timedelta(days=7)
    # A fresh key each time: yesterday's kit says nothing about today's.
    assert (await get_kit(client, agent))["key"] != kit["key"]


async def test_the_kit_follows_each_print_runs_perimeter(client, world):
    elsewhere = await make_batch(world, count=1, allowed_site_ids=[world.other_site_id])
    by_commune = await make_batch(world, count=1, allowed_insee_codes=["50564"])
    for batch in (elsewhere, by_commune):
        from tests.vouchers.conftest import allocate

        await allocate(world, batch, world.prescriber_org_id, 1)
        await hand_out(world.prescriber, (await numbers_of(batch))[0])
    mine = await get_kit(client, world.site_agent)
    theirs = await get_kit(client, world.other_site_agent)
    assert [line.split(" ")[1] for line in mine["booklets"]] == await numbers_of(by_commune)
    assert [line.split(" ")[1] for line in theirs["booklets"]] == await numbers_of(elsewhere)
    assert mine["batches"][0]["site_ids"] == [world.site_id]


async def test_a_suspended_site_gets_an_empty_kit(client, scene):
    await Organisation.update({Organisation.site_status: "suspended"}).where(
        Organisation.id == scene.world.site_id
    )
    kit = await get_kit(client, scene.world.site_agent)
    assert (kit["booklets"], kit["sites"], kit["cheque_count"]) == ([], [], 0)


async def test_only_site_agents_get_a_kit(client, scene):
    response = await client.get(
        "/api/v1/offline-kit", headers=await scene.world.prescriber.bearer()
    )
    assert response.status_code == 403


async def test_a_batch_sent_twice_redeems_once_and_answers_the_same(client, scene):
    agent = scene.world.site_agent
    kit = await get_kit(client, agent)
    scans = [scan(code, kit) for code in scene.codes[:3]]
    first = await send(client, agent, *scans)
    assert first.status_code == 200, first.text
    again = await send(client, agent, *scans)
    assert again.json()["results"] == first.json()["results"]
    results = first.json()["results"]
    assert [r["result"] for r in results] == ["redeemed"] * 3
    assert [r["client_id"] for r in results] == [s["client_id"] for s in scans]
    assert results[0]["booklet_number"] == scene.issued and results[0]["position"] == 1
    assert await Cheque.count().where(Cheque.status == "redeemed") == 3
    assert await OfflineScan.count() == 3
    assert await ScanAttempt.count().where(ScanAttempt.result == "redeemed") == 3


async def test_overlapping_batches_redeem_each_scan_once(client, scene):
    agent = scene.world.site_agent
    kit = await get_kit(client, agent)
    a, b, c = (scan(code, kit) for code in scene.codes[:3])
    await send(client, agent, a, b)
    response = await send(client, agent, b, c)
    assert [r["result"] for r in response.json()["results"]] == ["redeemed", "redeemed"]
    assert await Cheque.count().where(Cheque.status == "redeemed") == 3
    assert await OfflineScan.count() == 3


async def test_racing_batches_redeem_each_scan_once(client, scene):
    agent = scene.world.site_agent
    kit = await get_kit(client, agent)
    scans = [scan(code, kit) for code in scene.codes]
    headers = await agent.bearer()  # before: the test client blocks this loop while it runs

    async def post():
        return await client.post(
            "/api/v1/redemptions/batch", json={"scans": scans}, headers=headers
        )

    answers = await asyncio.gather(*(post() for _ in range(4)))
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert {r["result"] for r in answer.json()["results"]} <= {"redeemed", "in_progress"}
    assert await Cheque.count().where(Cheque.status == "redeemed") == 5
    assert await OfflineScan.count() == 5
    settled = await send(client, agent, *scans)  # what a scanner does after "in_progress"
    assert [r["result"] for r in settled.json()["results"]] == ["redeemed"] * 5
    assert await IdempotencyRecord.count() == 5


async def test_the_scan_time_dates_the_redemption_and_its_statement(client, scene, clock_at):
    agent, staff = scene.world.site_agent, await actor_of(scene.world.staff)
    clock_at(datetime(2026, 11, 30, 18, 0))
    kit = await get_kit(client, agent)
    on_the_30th = datetime(2026, 11, 30, 23, 10)  # a home visit late on the last evening
    clock_at(datetime(2026, 12, 2, 9, 0))
    response = await send(client, agent, scan(scene.codes[0], kit, on_the_30th))
    result = response.json()["results"][0]
    assert result["result"] == "redeemed" and not result["flagged"]
    assert datetime.fromisoformat(result["scanned_at"]) == clock.aware(on_the_30th)
    cheque = await Cheque.objects().where(Cheque.code == scene.codes[0]).first()
    assert cheque.redeemed_at == on_the_30th
    record = await OfflineScan.objects().first()
    assert (record.scanned_at, record.received_at) == (on_the_30th, datetime(2026, 12, 2, 9))
    await build_statements(date(2026, 11, 1), staff)
    november = await Statement.objects().where(Statement.period_start == date(2026, 11, 1)).first()
    assert november.cheque_count == 1
    await submit_statements(staff, [november.id])
    # Another November scan arriving after November's statement was submitted: December's, late.
    response = await send(client, agent, scan(scene.codes[1], kit, on_the_30th))
    assert response.json()["results"][0]["result"] == "redeemed"
    clock_at(datetime(2027, 1, 2, 9, 0))
    await build_statements(date(2026, 12, 1), staff)
    december = await Statement.objects().where(Statement.period_start == date(2026, 12, 1)).first()
    assert (december.cheque_count, december.late_count) == (1, 1)
    assert await StatementLine.count() == 2


@pytest.mark.parametrize(
    "when",
    [
        pytest.param(datetime(2026, 11, 30, 17, 0), id="before-the-kit"),
        pytest.param(datetime(2026, 12, 3, 9, 0), id="after-the-reception"),
    ],
)
async def test_a_scan_time_outside_its_bounds_is_replaced_and_flagged(
    client, scene, clock_at, when
):
    agent = scene.world.site_agent
    clock_at(datetime(2026, 11, 30, 18, 0))
    kit = await get_kit(client, agent)
    clock_at(datetime(2026, 12, 2, 9, 0))
    result = (await send(client, agent, scan(scene.codes[0], kit, when))).json()["results"][0]
    assert result["result"] == "redeemed" and result["flagged"]
    assert datetime.fromisoformat(result["scanned_at"]) == clock.aware(datetime(2026, 12, 2, 9))
    record = await OfflineScan.objects().first()
    assert record.flagged and record.device_scanned_at == when


async def test_a_phone_time_without_offset_is_paris_time_and_one_with_an_offset_is_converted(
    client, scene, clock_at
):
    """A phone may send its clock as it reads it (Paris wall clock, no offset) or with an offset:
    2027-01-31T23:30:00Z is 00:30 on 1 February in Paris, the same instant as the naive
    2027-02-01T00:30:00; both are stored, answered and shown as that."""
    agent = scene.world.site_agent
    clock_at(datetime(2027, 1, 31, 23, 0, tzinfo=UTC))  # the kit at midnight in Paris
    kit = await get_kit(client, agent)
    clock_at(datetime(2027, 2, 1, 0, 0, tzinfo=UTC))  # back online at 01:00 in Paris
    naive = {**scan(scene.codes[0], kit), "scanned_at": "2027-02-01T00:30:00"}
    in_utc = {**scan(scene.codes[1], kit), "scanned_at": "2027-01-31T23:30:00Z"}
    in_summer = {**scan(scene.codes[2], kit), "scanned_at": "2027-02-01T01:30:00+02:00"}
    answer = await send(client, agent, naive, in_utc, in_summer)
    results = (await assert_documented(client, answer))["results"]
    assert [(r["result"], r["flagged"], r["scanned_at"]) for r in results] == [
        ("redeemed", False, "2027-02-01T00:30:00+01:00")
    ] * 3
    paris_0030 = datetime(2027, 2, 1, 0, 30)  # as stored: Paris wall clock
    assert {s.device_scanned_at for s in await OfflineScan.objects()} == {paris_0030}
    redeemed = await Cheque.select(Cheque.redeemed_at).where(Cheque.status == "redeemed")
    assert [r["redeemed_at"] for r in redeemed] == [paris_0030] * 3
    await login(client, agent)
    page = text_of((await client.get("/scanner/")).text)
    assert "00:30" in page and "23:30" not in page


async def test_a_forged_kit_time_is_not_believed(client, scene, clock_at):
    agent = scene.world.site_agent
    clock_at(datetime(2026, 12, 2, 9, 0))
    kit = await get_kit(client, agent)
    epoch = int(clock.aware(datetime(2026, 11, 1)).timestamp())
    forged = {**kit, "token": f"{epoch}.{kit['token'].split('.')[1]}"}
    result = (
        await send(client, agent, scan(scene.codes[0], forged, datetime(2026, 11, 2, 10)))
    ).json()["results"][0]
    assert result["flagged"]
    assert datetime.fromisoformat(result["scanned_at"]) == clock.aware(datetime(2026, 12, 2, 9))


async def test_a_cheque_redeemed_first_elsewhere_goes_to_review_not_paid_twice(client, scene):
    agent, other = scene.world.site_agent, scene.world.other_site_agent
    kit = await get_kit(client, agent)
    online = await client.post(
        "/api/v1/redemptions",
        json={"code": scene.codes[0], "activity": "individual"},
        headers=await other.bearer(),
    )
    assert online.status_code == 201
    await assert_documented(client, online)
    result = (await send(client, agent, scan(scene.codes[0], kit))).json()["results"][0]
    assert result["result"] == "already_redeemed"
    assert result["review"] == "pending"
    assert "Département" in result["message"]
    assert result["code_display"] == format_code(scene.codes[0])
    assert await Cheque.count().where(Cheque.status == "redeemed") == 1
    staff_headers = await scene.world.staff.bearer()
    reviews = await assert_documented(
        client, await client.get("/api/v1/offline-reviews", headers=staff_headers)
    )
    assert len(reviews) == 1
    review = reviews[0]
    assert (review["site"], review["won_site"]) == (
        "Mairie de Terre-et-Marais",
        "Bibliothèque de Périers",
    )
    assert review["agent"] == "agent@mairie-terre-et-marais.test" or review["agent"]
    assert review["won_agent"] and review["won_at"] and review["scanned_at"]
    decided = await client.post(
        f"/api/v1/offline-reviews/{review['id']}",
        json={"decision": "compensate", "note": "Visite à domicile de bonne foi."},
        headers=staff_headers,
    )
    assert decided.status_code == 200, decided.text
    await assert_documented(client, decided)
    record = await OfflineScan.objects().first()
    assert (record.review, record.compensation_cents) == ("compensate", 1000)
    again = await client.post(
        f"/api/v1/offline-reviews/{review['id']}",
        json={"decision": "reject", "note": "Non."},
        headers=staff_headers,
    )
    assert again.status_code == 409 and again.json()["error"] == "review_decided"
    assert (await client.get("/api/v1/offline-reviews", headers=staff_headers)).json() == []


async def test_bad_scans_get_a_result_each_and_change_nothing(client, scene):
    agent = scene.world.site_agent
    kit = await get_kit(client, agent)
    response = await send(
        client,
        agent,
        scan(scene.codes[0], kit, activity="karaoke"),
        scan(scene.codes[1], kit, client_id="x"),
    )
    assert response.status_code == 200
    assert [r["result"] for r in response.json()["results"]] == ["invalid", "invalid"]
    assert await Cheque.count().where(Cheque.status == "redeemed") == 0
    assert await OfflineScan.count() == 0
    empty = await send(client, agent)
    assert empty.status_code == 422 and empty.json()["error"] == "invalid"


async def test_another_agent_cannot_send_scans_for_a_site_not_theirs(client, scene):
    stranger = await make_person("agent@ailleurs.test", scene.world.other_site_id, "site_agent")
    kit = await get_kit(client, stranger)
    result = (
        await send(client, stranger, scan(scene.codes[0], kit, site_id=scene.world.site_id))
    ).json()["results"][0]
    assert result["result"] == "not_site_agent"
    assert await Cheque.count().where(Cheque.status == "redeemed") == 0


@pytest.mark.postgres_only
async def test_racing_batches_on_postgresql_workers_redeem_each_scan_once(db, scene):
    """Four workers (a connection pool, as served) receive the same batch at the same moment."""
    from passnum.db import close_pool, open_pool
    from vouchers import schemas
    from vouchers import services as svc

    engine = Cheque._meta.db
    await open_pool(engine, 12)
    try:
        agent = await actor_of(scene.world.site_agent)
        kit = await svc.offline_kit(agent)
        batch = schemas.OfflineBatchIn(
            scans=[
                schemas.OfflineScanIn(
                    client_id=str(uuid.uuid4()),
                    code=code,
                    scanned_at=clock.now(),
                    activity="individual",
                    kit=kit.token,
                )
                for code in scene.codes
            ]
        )
        answers = await asyncio.gather(*(svc.sync_offline_scans(agent, batch) for _ in range(4)))
    finally:
        await close_pool(engine)
    # Each copy waits for the scan's first transaction, then reads its answer.
    assert {r.result for a in answers for r in a.results} == {"redeemed"}
    assert await Cheque.count().where(Cheque.status == "redeemed") == 5
    assert await OfflineScan.count() == 5
    assert await ScanAttempt.count() == 5


async def test_a_compensation_goes_on_the_sites_next_statement_apart_from_cheques(
    client, scene, clock_at
):
    from reimbursements.tables import StatementCompensation
    from tests.factories import login, text_of

    world = scene.world
    staff = await actor_of(world.staff)
    clock_at(datetime(2026, 11, 30, 9, 0))
    kit = await get_kit(client, world.site_agent)
    await client.post(
        "/api/v1/redemptions",
        json={"code": scene.codes[0], "activity": "individual"},
        headers=await world.other_site_agent.bearer(),
    )
    result = (await send(client, world.site_agent, scan(scene.codes[0], kit))).json()["results"]
    assert result[0]["review"] == "pending"
    review = (
        await client.get("/api/v1/offline-reviews", headers=await world.staff.bearer())
    ).json()[0]
    await client.post(
        f"/api/v1/offline-reviews/{review['id']}",
        json={"decision": "compensate", "note": "Visite à domicile de bonne foi."},
        headers=await world.staff.bearer(),
    )
    clock_at(datetime(2026, 12, 2, 9, 0))
    await build_statements(date(2026, 11, 1), staff)
    again = await build_statements(date(2026, 11, 1), staff)  # twice: still one compensation
    assert again.cheques_added == 0
    ours = await Statement.objects().where(Statement.site == world.site_id).first()
    theirs = await Statement.objects().where(Statement.site == world.other_site_id).first()
    # The cheque is not on ours; what ours pays (its total, as a payment run) is the compensation.
    assert (ours.cheque_count, ours.total_cents) == (0, 1000)
    assert (theirs.cheque_count, theirs.total_cents) == (1, 1000)
    compensations = await StatementCompensation.select()
    assert [(c["statement"], c["amount_cents"]) for c in compensations] == [(ours.id, 1000)]
    assert await StatementLine.count() == 1
    await login(client, world.staff)
    page = text_of((await client.get(f"/releves/{ours.id}")).text)
    assert "Compensations (scans hors connexion) 10,00 €" in page
    assert "Total dû 10,00 €" in page and "Visite à domicile de bonne foi." in page
    listed = text_of((await client.get("/releves")).text)
    assert "10,00 €" in listed
    pdf = await client.get(f"/releves/{ours.id}/pdf")
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf.content)).pages)
    text = " ".join(text.split())
    assert "Compensations (scans hors connexion) 10,00 €" in text
    assert "Total à payer 0 10,00 €" in text and "Visite à domicile de bonne foi." in text
    csv = (await client.get(f"/releves/{ours.id}/csv")).content.decode("utf-8-sig")
    assert "Compensation (scan hors connexion refusé)" in csv and "10,00" in csv


async def test_staff_search_shows_a_cheques_offline_scan_with_both_times(client, scene, clock_at):
    agent = scene.world.site_agent
    clock_at(datetime(2026, 11, 30, 9, 0))
    kit = await get_kit(client, agent)
    clock_at(datetime(2026, 12, 2, 9, 0))
    await send(client, agent, scan(scene.codes[0], kit, datetime(2026, 11, 30, 15, 30)))
    found = await client.get(
        "/api/v1/search", params={"q": scene.codes[0]}, headers=await scene.world.staff.bearer()
    )
    (entry,) = found.json()["offline_scans"]
    assert entry["scanned_at"].startswith("2026-11-30T15:30:00")
    assert entry["received_at"].startswith("2026-12-02T09:00:00")
    assert (entry["result"], entry["flagged"], entry["cheque_code"]) == (
        "redeemed",
        False,
        scene.codes[0],
    )
