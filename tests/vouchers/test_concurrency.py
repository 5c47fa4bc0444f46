"""A cheque is redeemed at most once, even when many agents scan it at the same moment."""

from __future__ import annotations

import asyncio

import pytest

from passnum.db import close_pool, open_pool
from passnum.errors import DomainError
from reimbursements.settled import SETTLEMENT
from tests.factories import make_person
from tests.vouchers.conftest import actor_of
from vouchers import schemas
from vouchers import services as svc
from vouchers.settlement import install
from vouchers.tables import Booklet, Cheque, ScanAttempt


@pytest.fixture(
    params=["connection per query", pytest.param("pool", marks=pytest.mark.postgres_only)]
)
async def engine_mode(request, db):
    """Both ways a worker reaches PostgreSQL: the tests' engine opens a connection per query; a
    served worker has a pool, and the hot paths then skip Piccolo (passnum.db.fetch)."""
    if request.param == "pool":
        engine = Cheque._meta.db
        await open_pool(engine, 12)
        yield request.param
        await close_pool(engine)
    else:
        yield request.param


async def _attempt(agent, code: str) -> str:
    try:
        await svc.redeem_cheque(agent, schemas.RedemptionIn(code=code, activity="workshop"))
    except DomainError as error:
        return error.code
    return "redeemed"


async def test_fifty_simultaneous_scans_by_different_agents_redeem_once(scene, engine_mode):
    world = scene.world
    people = [
        await make_person(
            f"agent{i}@sites.test", world.site_id if i % 2 else world.other_site_id, "site_agent"
        )
        for i in range(50)
    ]
    agents = [await actor_of(p) for p in people]
    results = await asyncio.gather(*(_attempt(a, scene.codes[0]) for a in agents))
    assert results.count("redeemed") == 1
    assert results.count("already_redeemed") == 49
    assert await ScanAttempt.count() == 50
    assert await ScanAttempt.count().where(ScanAttempt.result == "redeemed") == 1
    cheque = await Cheque.select().where(Cheque.code == scene.codes[0]).first()
    assert cheque["status"] == "redeemed"
    booklet = await Booklet.select(Booklet.used_count).where(Booklet.number == scene.issued).first()
    assert booklet["used_count"] == 1


async def test_simultaneous_scans_of_a_whole_booklet_exhaust_it_exactly(scene, engine_mode):
    agent = await actor_of(scene.world.site_agent)
    attempts = [code for code in scene.codes for _ in range(4)]
    results = await asyncio.gather(*(_attempt(agent, code) for code in attempts))
    assert results.count("redeemed") == 5
    booklet = await Booklet.select().where(Booklet.number == scene.issued).first()
    assert booklet["status"] == "exhausted" and booklet["used_count"] == 5


async def test_cancelling_while_scanning_never_leaves_both(scene, engine_mode):
    world = scene.world
    agent = await actor_of(world.site_agent)
    prescriber = await actor_of(world.prescriber)

    async def cancel() -> str:
        try:
            await svc.cancel_booklet(prescriber, scene.issued, "stolen")
        except DomainError as error:
            return error.code
        return "cancelled_booklet"

    results = await asyncio.gather(*(_attempt(agent, code) for code in scene.codes), cancel())
    statuses = {
        r["status"]
        for r in await Cheque.select(Cheque.status).where(Cheque.booklet.number == scene.issued)
    }
    redeemed = results[:5].count("redeemed")
    assert statuses <= {"redeemed", "cancelled"}
    assert await Cheque.count().where(Cheque.status == "redeemed") == redeemed


async def test_simultaneous_api_requests_redeem_once(client, scene):
    people = [
        await make_person(f"api{i}@sites.test", scene.world.site_id, "site_agent")
        for i in range(10)
    ]
    headers = [await p.bearer() for p in people]
    responses = await asyncio.gather(
        *(
            client.post(
                "/api/v1/redemptions",
                json={"code": scene.codes[0], "activity": "individual"},
                headers=h,
            )
            for h in headers
        )
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 9


async def test_the_ledger_cannot_be_rewritten(scene):
    agent = await actor_of(scene.world.site_agent)
    await _attempt(agent, scene.codes[0])
    with pytest.raises(Exception, match="append-only"):
        await ScanAttempt.update({ScanAttempt.result: "unknown"}).where(ScanAttempt.id > 0)
    assert await ScanAttempt.count().where(ScanAttempt.result == "redeemed") == 1


async def _reverse(staff, code: str) -> str:
    try:
        await svc.reverse_redemption(staff, code, "Deux clics sur Annuler")
    except DomainError as error:
        return error.code
    return "reversed"


async def test_ten_simultaneous_reversals_of_one_redemption_reverse_it_once(scene, engine_mode):
    install(SETTLEMENT)  # what the composition root does when it builds the app
    agent = await actor_of(scene.world.site_agent)
    assert await _attempt(agent, scene.codes[0]) == "redeemed"
    staff = await actor_of(scene.world.staff)
    results = await asyncio.gather(*(_reverse(staff, scene.codes[0]) for _ in range(10)))
    assert sorted(set(results)) == ["not_redeemed", "reversed"]
    assert results.count("reversed") == 1
    assert await ScanAttempt.count().where(ScanAttempt.result == "reversed") == 1
    booklet = await Booklet.select(Booklet.used_count).where(Booklet.number == scene.issued).first()
    assert booklet["used_count"] == 0
