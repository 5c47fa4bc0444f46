"""What a refused or accepted scan tells the site, and what staff read of it afterwards.

Written from mutation testing (docs/mutation.md, ``vouchers.services.redemption``): the refusal
codes were tested, not the dates and places that make them useful to the person at the desk.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from passnum import clock
from tests.vouchers.conftest import allocate, codes_of, hand_out, make_batch, numbers_of
from tests.vouchers.test_offline_api import get_kit, scan, send
from vouchers.tables import Batch


async def _redeem(client, person, code: str, **extra):
    return await client.post(
        "/api/v1/redemptions",
        json={"code": code, "activity": "individual", **extra},
        headers=await person.bearer(),
    )


async def _handed_out_codes(world, **batch) -> list[str]:
    made = await make_batch(world, count=1, **batch)
    await allocate(world, made, world.prescriber_org_id, 1)
    number = (await numbers_of(made))[0]
    await hand_out(world.prescriber, number)
    return await codes_of(number)


async def test_a_cheque_used_earlier_says_when_and_where_it_was_used(client, world, clock_at):
    clock_at(datetime.combine(clock.today(), time(15, 48)))
    code = (await _handed_out_codes(world))[0]
    assert (await _redeem(client, world.site_agent, code)).status_code == 201
    again = await _redeem(client, world.other_site_agent, code)
    assert again.status_code == 409
    day = f"{clock.today():%d/%m/%Y}"
    assert again.json()["redeemed_at"].startswith(f"{clock.today().isoformat()}T15:48")
    message = again.json()["message"]
    assert f"déjà été utilisé le {day} à 15:48 (Mairie de Terre-et-Marais)" in message


async def test_an_expired_cheque_says_the_last_day_it_was_accepted(client, world):
    code = (await _handed_out_codes(world, grace_days=31))[0]
    ended = clock.today() - timedelta(days=40)
    await Batch.update({Batch.valid_until: ended}).where(Batch.id > 0)
    response = await _redeem(client, world.site_agent, code)
    last = ended + timedelta(days=31)
    assert (response.status_code, response.json()["error"]) == (409, "expired")
    assert response.json()["accepted_until"] == last.isoformat()
    assert f"n'est plus valable depuis le {last:%d/%m/%Y}" in response.json()["message"]


async def test_a_cheque_not_valid_yet_says_from_which_day(client, world):
    code = (await _handed_out_codes(world))[0]
    starts = clock.today() + timedelta(days=3)
    await Batch.update({Batch.valid_from: starts}).where(Batch.id > 0)
    response = await _redeem(client, world.site_agent, code)
    assert (response.status_code, response.json()["error"]) == (409, "not_yet_valid")
    assert response.json()["valid_from"] == starts.isoformat()
    assert f"qu'à partir du {starts:%d/%m/%Y}" in response.json()["message"]


async def test_staff_read_what_the_site_recorded_with_the_redemption(client, world):
    code = (await _handed_out_codes(world))[0]
    recorded = await _redeem(
        client,
        world.site_agent,
        code,
        activity="workshop",
        place="remote",
        themes=["health", "email", "health"],
        duration_minutes=90,
    )
    assert recorded.status_code == 201, recorded.text
    search = await client.get(f"/api/v1/search?q={code}", headers=await world.staff.bearer())
    assert search.status_code == 200, search.text
    (cheque,) = [c for c in search.json()["cheques"] if c["code"] == code]
    assert (cheque["site"], cheque["activity"], cheque["place"]) == (
        "Mairie de Terre-et-Marais",
        "workshop",
        "remote",
    )
    assert (cheque["themes"], cheque["duration_minutes"]) == (["email", "health"], 90)
    (entry,) = [a for a in search.json()["audit"] if a["action"] == "redeem"]
    assert entry["changes"] == {"site": world.site_id, "activity": "workshop", "place": "remote"}


async def test_staff_see_a_refused_scan_in_the_cheques_history_with_who_tried_where(client, world):
    code = (await _handed_out_codes(world))[0]
    assert (await _redeem(client, world.site_agent, code)).status_code == 201
    assert (await _redeem(client, world.other_site_agent, code)).status_code == 409
    search = await client.get(f"/api/v1/search?q={code}", headers=await world.staff.bearer())
    scans = [(s["result"], s["site"], s["user"]) for s in search.json()["scans"]]
    assert scans == [
        ("redeemed", "Mairie de Terre-et-Marais", world.site_agent.email),
        ("already_redeemed", "Bibliothèque de Périers", world.other_site_agent.email),
    ]


async def test_a_cheque_scanned_offline_on_its_last_day_and_sent_the_next_day_is_paid(
    client, world, clock_at
):
    code = (await _handed_out_codes(world, grace_days=0))[0]
    last = clock.today()
    await Batch.update({Batch.valid_until: last}).where(Batch.id > 0)
    clock_at(datetime.combine(last, time(9, 0)))
    kit = await get_kit(client, world.site_agent)
    scanned = datetime.combine(last, time(16, 30))
    clock_at(datetime.combine(last + timedelta(days=1), time(9, 0)))
    response = await send(client, world.site_agent, scan(code, kit, scanned))
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["result"] == "redeemed"
