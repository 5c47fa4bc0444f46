"""Which rate-limit store is used; the PostgreSQL counters (one atomic statement per request)."""

import asyncio
import dataclasses

import asyncpg
import pytest

from organisations.tables import Organisation
from passnum.rate_limit_db import hit
from passnum.security import rate_limit_store_kind
from passnum.settings import get_settings
from tests.factories import post_form, text_of


def test_postgresql_deployments_count_in_the_database_unless_a_store_is_chosen(monkeypatch):
    settings = get_settings()
    pg = dataclasses.replace(settings, database_url="postgresql://u@db/passnum")
    sqlite = dataclasses.replace(settings, database_url="", rate_limit_store="file")
    monkeypatch.delenv("PASSNUM_RATE_LIMIT_STORE", raising=False)
    assert rate_limit_store_kind(pg) == "database"
    assert rate_limit_store_kind(sqlite) == "file"
    for chosen in ("memory", "file", "redis://localhost:6379/0"):
        monkeypatch.setenv("PASSNUM_RATE_LIMIT_STORE", chosen)
        assert rate_limit_store_kind(dataclasses.replace(pg, rate_limit_store=chosen)) == chosen


async def _forget_counters() -> None:
    connection = await Organisation._meta.db.get_new_connection()
    try:
        await connection.execute("DELETE FROM rate_limit_counter")
    except asyncpg.UndefinedTableError:
        pass  # made on first use
    finally:
        await connection.close()


@pytest.mark.postgres_only
async def test_simultaneous_scans_are_each_counted_once_in_postgresql(db):
    await _forget_counters()
    counts = await asyncio.gather(*(hit(["test::agent", "test::address"]) for _ in range(40)))
    for key in ("test::agent", "test::address"):
        assert sorted(c[key].hits for c in counts) == list(range(1, 41))
        assert all(c[key].reset > 0 for c in counts)


@pytest.mark.postgres_only
async def test_a_postgresql_counter_starts_again_when_its_window_has_ended(db):
    await _forget_counters()
    for _ in range(3):
        await hit(["test::ended"])
    connection = await Organisation._meta.db.get_new_connection()
    try:
        await connection.execute(
            "UPDATE rate_limit_counter SET reset_at = reset_at - 61 WHERE key = 'test::ended'"
        )
    finally:
        await connection.close()
    assert (await hit(["test::ended"]))["test::ended"].hits == 1


@pytest.mark.postgres_only
async def test_too_many_logins_get_429_and_retry_after_with_postgresql_counters(
    db, world, monkeypatch
):
    from litestar.testing import AsyncTestClient

    from composition.app import create_app

    await _forget_counters()
    monkeypatch.setenv("PASSNUM_RATE_LIMIT_STORE", "database")
    monkeypatch.setenv("PASSNUM_RATE_LOGIN_PER_MINUTE", "3")
    get_settings.cache_clear()
    try:
        async with AsyncTestClient(app=create_app(), base_url="https://t.local") as limited:
            answers = []
            for n in range(4):
                answers.append(
                    await post_form(limited, "/login", {"email": f"x{n}@y.fr", "password": "x"})
                )
    finally:
        get_settings.cache_clear()
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert answers[0].headers["ratelimit-remaining"] == "2"
    assert 0 < int(answers[-1].headers["retry-after"]) <= 60
    assert "Trop de tentatives" in text_of(answers[-1].text)


@pytest.mark.postgres_only
async def test_a_scan_counts_per_account_and_per_address_and_shows_the_tightest_limit(
    db, world, monkeypatch
):
    from litestar.testing import AsyncTestClient

    from composition.app import create_app

    await _forget_counters()
    monkeypatch.setenv("PASSNUM_RATE_LIMIT_STORE", "database")
    monkeypatch.setenv("PASSNUM_RATE_SCAN_PER_MINUTE", "2")  # per account; 8 per address
    get_settings.cache_clear()
    body = {"code": "0000-0000-0000-0000", "activity": "individual", "place": "site"}
    try:
        async with AsyncTestClient(app=create_app(), base_url="https://t.local") as limited:
            agent, other_agent = (
                await world.site_agent.bearer(),
                await world.other_site_agent.bearer(),
            )

            async def scan(headers: dict[str, str]) -> object:
                return await limited.post("/api/v1/redemptions", json=body, headers=headers)

            first = [await scan(agent) for _ in range(3)]
            other = await scan(other_agent)
    finally:
        get_settings.cache_clear()
    assert [a.status_code for a in first] == [404, 404, 429]
    assert (first[0].headers["ratelimit-limit"], first[0].headers["ratelimit-remaining"]) == (
        "2",
        "1",
    )
    assert other.status_code == 404  # another account from the same address still scans
    connection = await Organisation._meta.db.get_new_connection()
    try:
        counters = dict(await connection.fetch("SELECT key, hits FROM rate_limit_counter"))
    finally:
        await connection.close()
    address = [hits for key, hits in counters.items() if key.startswith("ScanAddressLimit::")]
    accounts = sorted(h for k, h in counters.items() if k.startswith("ScanAccountLimit::"))
    assert address == [4] and accounts == [1, 3]
