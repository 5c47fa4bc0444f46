"""Two real `passnum serve` processes on one database: nothing that matters lives in a worker.

A session opened through one is honoured by the other, a cheque redeemed through one is refused
by the other, an Idempotency-Key replayed on the other returns the original answer, and the scan
rate limit counts requests made to both. The servers share the test database (SQLite file or
PostgreSQL) and one data folder (the rate-limit counters), with their own connection pools. They
start once for the module; every test starts from empty tables and no counted request.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

from organisations.actors import load_actor
from passnum import clock
from tests.factories import World
from tests.live_server import PASSNUM, _free_port, _wait_until_up
from vouchers import schemas
from vouchers import services as svc
from vouchers.tables import Cheque

SCANS_PER_MINUTE = 6


def _database_url() -> str:
    engine = engine_finder()
    if isinstance(engine, PostgresEngine):
        return engine.config["dsn"]
    return f"sqlite:///{engine.path}"


@pytest.fixture(scope="module")
def _servers(
    database: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, tuple[str, str]]]:
    """Two servers on the test database, started once for the module (each start costs seconds);
    each test's ``db`` gives them the empty tables again. Their data folder holds the SQLite
    rate-limit counters, emptied before each test by ``two_servers``."""
    data_dir = tmp_path_factory.mktemp("two-servers")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PICCOLO_", "PASSNUM_"))}
    env.update(
        PASSNUM_DATABASE_URL=_database_url(),
        PASSNUM_DATA_DIR=str(data_dir),
        PASSNUM_PUBLIC_URL="http://127.0.0.1",
        PASSNUM_RATE_SCAN_PER_MINUTE=str(SCANS_PER_MINUTE),
        PASSNUM_DB_POOL_SIZE="2",
    )
    processes, urls = [], []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = data_dir / f"server-{name}.log"
            processes.append(
                subprocess.Popen(
                    [PASSNUM, "serve", "--port", str(port)],
                    env=env,
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
            _wait_until_up(f"{urls[-1]}/health", processes[-1], log)
        yield data_dir, (urls[0], urls[1])
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


@pytest.fixture
def two_servers(world: World, _servers: tuple[Path, tuple[str, str]]) -> tuple[str, str]:
    """The module's two servers, with this test's database (``world``) and no request counted."""
    data_dir, urls = _servers
    shutil.rmtree(data_dir / "rate-limits", ignore_errors=True)
    return urls


async def _handed_out_codes(world: World) -> list[str]:
    """The five cheque codes of a booklet handed out by the world's prescriber."""
    staff = await load_actor(world.staff.user_id)
    batch = await svc.create_batch(
        staff,
        schemas.BatchIn(
            funder_id=world.operator_id,
            label="Département 2026",
            booklet_count=1,
            valid_from=clock.today() - timedelta(days=1),
            valid_until=clock.today() + timedelta(days=300),
        ),
    )
    await svc.activate_batch(staff, batch.id, svc.full_payment(batch, "T-1", clock.today()))
    await svc.move_booklets(
        staff,
        schemas.StockMoveIn(to_organisation_id=world.prescriber_org_id, batch_id=batch.id, count=1),
    )
    await svc.hand_out_booklet(
        await load_actor(world.prescriber.user_id),
        schemas.HandOutIn(
            booklet_number=batch.first_number, beneficiary=schemas.BeneficiaryIn(consent=True)
        ),
    )
    rows = await Cheque.select(Cheque.code).order_by(Cheque.position)
    return [r["code"] for r in rows]


async def _redeem(url: str, bearer: dict, code: str, key: str | None = None) -> httpx.Response:
    headers = {**bearer, **({"Idempotency-Key": key} if key else {})}
    body = {"code": code, "activity": "individual", "place": "site"}
    async with httpx.AsyncClient(base_url=url) as client:
        return await client.post("/api/v1/redemptions", json=body, headers=headers)


async def test_a_session_opened_through_one_worker_is_honoured_by_the_other(
    world: World, two_servers: tuple[str, str]
) -> None:
    a, b = two_servers
    async with httpx.AsyncClient(base_url=a) as browser:
        await browser.get("/login")
        response = await browser.post(
            "/login",
            data={"email": world.site_agent.email, "password": world.site_agent.password},
            headers={"x-csrftoken": browser.cookies["passnum_csrf"]},
        )
        assert response.status_code in (302, 303), response.text
        session = browser.cookies["passnum_session"]
    async with httpx.AsyncClient(base_url=b) as other:
        assert (await other.get("/scanner")).status_code in (302, 303)  # no session: log in
        other.cookies.set("passnum_session", session)
        page = await other.get("/scanner")
    assert page.status_code == 200
    assert "Scanner un chèque" in page.text


async def test_a_cheque_redeemed_through_one_worker_is_refused_by_the_other(
    world: World, two_servers: tuple[str, str]
) -> None:
    a, b = two_servers
    code = (await _handed_out_codes(world))[0]
    bearer = await world.site_agent.bearer()
    assert (await _redeem(a, bearer, code)).status_code == 201
    refused = await _redeem(b, bearer, code)
    assert refused.status_code == 409
    assert refused.json()["error"] == "already_redeemed"


async def test_an_idempotency_key_replayed_on_the_other_worker_returns_the_original_answer(
    world: World, two_servers: tuple[str, str]
) -> None:
    a, b = two_servers
    code = (await _handed_out_codes(world))[1]
    bearer = await world.site_agent.bearer()
    first = await _redeem(a, bearer, code, key="scan-42")
    replay = await _redeem(b, bearer, code, key="scan-42")
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert await Cheque.count().where(Cheque.status == "redeemed") == 1


async def test_the_scan_rate_limit_counts_requests_made_to_both_workers(
    world: World, two_servers: tuple[str, str]
) -> None:
    servers = two_servers * SCANS_PER_MINUTE
    bearer = await world.other_site_agent.bearer()
    answers = [(await _redeem(url, bearer, "0000-0000-0000-0000")).status_code for url in servers]
    assert 429 not in answers[:SCANS_PER_MINUTE]
    assert answers[SCANS_PER_MINUTE] == 429


def test_a_served_worker_keeps_its_start_up_objects_out_of_the_garbage_collector() -> None:
    """A full collection walking the app's ~190,000 start-up objects paused a worker ~100 ms."""
    import gc

    from composition.app import _freeze_long_lived_objects, create_served_app

    assert _freeze_long_lived_objects in create_served_app().on_startup
    try:
        _freeze_long_lived_objects()
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()
