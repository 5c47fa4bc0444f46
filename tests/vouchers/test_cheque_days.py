"""The days a cheque is worth something, to the day, as the person and the site read them.

Written from mutation testing (docs/mutation.md, ``vouchers.rules``): each story pins a boundary
that an off-by-one or a swapped condition in the rules would move without any other test noticing.
"""

from __future__ import annotations

from datetime import timedelta

from passnum import clock
from tests.vouchers.conftest import actor_of, allocate, codes_of, hand_out, make_batch, numbers_of
from vouchers import services as svc
from vouchers.tables import Batch


async def _redeem(client, person, code: str):
    return await client.post(
        "/api/v1/redemptions",
        json={"code": code, "activity": "individual"},
        headers=await person.bearer(),
    )


async def _handed_out_code(world, **batch) -> str:
    made = await make_batch(world, count=1, **batch)
    await allocate(world, made, world.prescriber_org_id, 1)
    number = (await numbers_of(made))[0]
    await hand_out(world.prescriber, number)
    return (await codes_of(number))[0]


async def _dates(**values) -> None:
    await Batch.update({getattr(Batch, k): v for k, v in values.items()}).where(Batch.id > 0)


async def _public(client, code: str) -> dict:
    response = await client.get(f"/api/v1/cheques/{code}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_cheque_expiring_today_without_grace_is_still_accepted(client, world):
    code = await _handed_out_code(world, grace_days=0)
    await _dates(valid_until=clock.today())
    assert (await _public(client, code))["status"] == "valid"
    assert (await _redeem(client, world.site_agent, code)).status_code == 201


async def test_a_cheque_whose_validity_starts_today_is_accepted_today(client, world):
    code = await _handed_out_code(world)
    await _dates(valid_from=clock.today())
    assert (await _public(client, code))["status"] == "valid"
    response = await _redeem(client, world.site_agent, code)
    assert response.status_code == 201, response.text


async def test_a_run_without_grace_period_promises_no_extra_day(client, world):
    code = await _handed_out_code(world, grace_days=0)
    validity = (await _public(client, code))["validity"]
    assert validity.startswith("Valable du ") and "accepté jusqu'au" not in validity


async def test_a_single_day_of_grace_is_announced_with_its_date(client, world):
    code = await _handed_out_code(world, grace_days=1)
    end = clock.today() + timedelta(days=300)
    await _dates(valid_until=end)
    public = await _public(client, code)
    assert public["accepted_until"] == (end + timedelta(days=1)).isoformat()
    day = f"{end + timedelta(days=1):%d/%m/%Y}"
    assert f"accepté jusqu'au {day} si le carnet a été remis avant" in public["validity"]


async def test_a_run_for_listed_sites_is_accepted_there_and_refused_elsewhere(client, world):
    code = await _handed_out_code(world, allowed_site_ids=[world.other_site_id])
    refused = await _redeem(client, world.site_agent, code)
    assert (refused.status_code, refused.json()["error"]) == (409, "not_accepted_here")
    assert (await _redeem(client, world.other_site_agent, code)).status_code == 201


async def _searched_status(client, world, number: str) -> str:
    response = await client.get(f"/api/v1/search?q={number}", headers=await world.staff.bearer())
    assert response.status_code == 200, response.text
    return response.json()["status"]


async def test_a_booklet_not_handed_out_expires_the_day_after_its_validity(client, world):
    batch = await make_batch(world, count=2, grace_days=31)
    allocated, in_stock = await numbers_of(batch)
    await allocate(world, batch, world.prescriber_org_id, 1)
    await _dates(valid_until=clock.today())
    assert await _searched_status(client, world, in_stock) == "in_stock"
    assert await _searched_status(client, world, allocated) == "allocated"
    await _dates(valid_until=clock.today() - timedelta(days=1))
    # Not handed out: the grace period is not theirs.
    assert await _searched_status(client, world, in_stock) == "expired"
    assert await _searched_status(client, world, allocated) == "expired"


async def test_a_handed_out_booklet_stays_handed_out_until_the_last_day_of_grace(client, world):
    batch = await make_batch(world, count=1, grace_days=31)
    (number,) = await numbers_of(batch)
    await allocate(world, batch, world.prescriber_org_id, 1)
    await hand_out(world.prescriber, number)
    await _dates(valid_until=clock.today() - timedelta(days=31))  # today is the last day
    assert await _searched_status(client, world, number) == "issued"
    await _dates(valid_until=clock.today() - timedelta(days=32))
    assert await _searched_status(client, world, number) == "expired"


async def test_a_cancelled_booklet_stays_cancelled_after_its_run_has_ended(client, world):
    batch = await make_batch(world, count=1, grace_days=31)
    (number,) = await numbers_of(batch)
    await allocate(world, batch, world.prescriber_org_id, 1)
    await hand_out(world.prescriber, number)
    await svc.cancel_booklet(await actor_of(world.prescriber), number, "lost")
    await _dates(valid_until=clock.today() - timedelta(days=40))
    assert await _searched_status(client, world, number) == "cancelled"
