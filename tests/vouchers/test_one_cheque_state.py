"""A cheque's state is decided once: what a phone shows on /c/ and what the scanner answers come
from the same function, in the same order, whatever the booklet and batch are going through."""

from __future__ import annotations

from datetime import timedelta

from passnum import clock
from tests.vouchers.conftest import actor_of, allocate, codes_of, hand_out, make_batch, numbers_of
from vouchers import services as svc
from vouchers.tables import Batch, Cheque


async def _public_and_scanner(client, world, code: str) -> tuple[str, str]:
    public = await client.get(f"/api/v1/cheques/{code}")
    assert public.status_code == 200, public.text
    scanned = await client.post(
        "/api/v1/redemptions",
        json={"code": code, "activity": "individual"},
        headers=await world.site_agent.bearer(),
    )
    answer = scanned.json()
    return public.json()["status"], answer.get("error") or answer["result"]


async def _ended(batch_id: int, days_ago: int) -> None:
    await Batch.update({Batch.valid_until: clock.today() - timedelta(days=days_ago)}).where(
        Batch.id == batch_id
    )


async def test_a_booklet_still_in_a_prescribers_stock_after_its_validity_is_expired_everywhere(
    client, world
):
    batch = await make_batch(world, count=2, grace_days=31)
    numbers = await numbers_of(batch)
    await allocate(world, batch, world.prescriber_org_id, 1)
    await _ended(batch.id, 3)  # inside the grace period, but never handed out
    for number in numbers:  # allocated, then still at the Département
        code = (await codes_of(number))[0]
        assert await _public_and_scanner(client, world, code) == ("expired", "expired")


async def test_every_state_reads_the_same_on_the_phone_and_at_the_scanner(client, world):
    batch = await make_batch(world, count=4, grace_days=31)
    numbers = await numbers_of(batch)
    await allocate(world, batch, world.prescriber_org_id, 3)
    for number in numbers[:3]:
        await hand_out(world.prescriber, number)
    issued, cancelled, to_redeem, in_stock = [await codes_of(n) for n in numbers]
    await svc.cancel_booklet(await actor_of(world.prescriber), numbers[1], "lost")
    assert await _public_and_scanner(client, world, issued[0]) == ("valid", "redeemed")
    redeemed = issued[0]
    assert await _public_and_scanner(client, world, redeemed) == ("redeemed", "already_redeemed")
    assert await _public_and_scanner(client, world, cancelled[0]) == (
        "cancelled",
        "cancelled",
    )
    stock_code = in_stock[0]
    assert await _public_and_scanner(client, world, stock_code) == ("not_issued", "not_issued")
    await Batch.update({Batch.valid_from: clock.today() + timedelta(days=2)}).where(
        Batch.id == batch.id
    )
    later = to_redeem[0]
    assert await _public_and_scanner(client, world, later) == ("not_yet_valid", "not_yet_valid")
    await Batch.update({Batch.valid_from: clock.today() - timedelta(days=60)}).where(
        Batch.id == batch.id
    )
    await _ended(batch.id, 40)
    assert await _public_and_scanner(client, world, later) == ("expired", "expired")
    assert await _public_and_scanner(client, world, redeemed) == ("redeemed", "already_redeemed")
    assert await Cheque.count().where(Cheque.status == "redeemed") == 1


async def test_a_draft_batch_is_not_issued_until_it_is_activated_and_expired_after(client, world):
    batch = await make_batch(world, count=1, active=False)
    code = (await codes_of((await numbers_of(batch))[0]))[0]
    assert await _public_and_scanner(client, world, code) == ("not_issued", "not_issued")
    await _ended(batch.id, 1)
    assert await _public_and_scanner(client, world, code) == ("expired", "expired")
