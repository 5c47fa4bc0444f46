"""The scan limit counts per account and per address, not per spelling of a credential.

Before, the per-account quota was keyed on the raw ``Authorization`` header or session cookie:
``bearer T``, ``Bearer  T`` or a made-up session cookie on every request each got a fresh quota.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from organisations.tables import Organisation
from tests.factories import World, login

SCANS_PER_MINUTE = 2  # per account (or per anonymous address); 8 per address
UNKNOWN_CODE = "0000-0000-0000-0000"


@pytest.fixture(
    params=["memory", pytest.param("database", marks=pytest.mark.postgres_only)],
    ids=["store-memory", "store-postgresql"],
)
async def limited(
    request: pytest.FixtureRequest, world: World, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[AsyncTestClient]:
    """An app whose scan limit is two a minute, its counters in memory or in PostgreSQL."""
    from composition.app import create_app
    from passnum.settings import get_settings

    if request.param == "database":  # counters left by earlier tests in PostgreSQL
        connection = await Organisation._meta.db.get_new_connection()
        try:
            await connection.execute("DELETE FROM rate_limit_counter")
        except asyncpg.UndefinedTableError:
            pass  # made on first use
        finally:
            await connection.close()
    monkeypatch.setenv("PASSNUM_RATE_LIMIT_STORE", request.param)
    monkeypatch.setenv("PASSNUM_RATE_SCAN_PER_MINUTE", str(SCANS_PER_MINUTE))
    get_settings.cache_clear()
    try:
        async with AsyncTestClient(app=create_app(), base_url="https://t.local") as client:
            yield client
    finally:
        get_settings.cache_clear()


async def test_a_site_agent_respelling_the_authorization_header_keeps_one_quota(
    limited: AsyncTestClient, world: World
) -> None:
    token = await world.site_agent.token()
    body = {"code": UNKNOWN_CODE, "activity": "individual", "place": "site"}
    statuses = [
        (
            await limited.post("/api/v1/redemptions", json=body, headers={"Authorization": h})
        ).status_code
        for h in (f"Bearer {token}", f"bearer {token}", f"Bearer  {token}", f"BEARER {token} ")
    ]
    assert statuses == [404, 404, 429, 429]


async def test_another_account_at_the_same_address_has_its_own_quota(
    limited: AsyncTestClient, world: World
) -> None:
    body = {"code": UNKNOWN_CODE, "activity": "individual", "place": "site"}
    agent, other = await world.site_agent.bearer(), await world.other_site_agent.bearer()
    for _ in range(SCANS_PER_MINUTE):
        await limited.post("/api/v1/redemptions", json=body, headers=agent)
    response = await limited.post("/api/v1/redemptions", json=body, headers=other)
    assert response.status_code == 404


async def test_an_anonymous_visitor_inventing_a_session_cookie_keeps_the_address_quota(
    limited: AsyncTestClient,
) -> None:
    statuses = []
    for _ in range(4):
        limited.cookies.set("passnum_session", secrets.token_urlsafe(16))
        statuses.append((await limited.get(f"/c/{UNKNOWN_CODE}")).status_code)
    assert statuses[-2:] == [429, 429], statuses
    assert statuses[0] != 429


async def test_a_logged_in_agent_looking_up_cheques_counts_on_the_account(
    limited: AsyncTestClient, world: World
) -> None:
    await login(limited, world.site_agent)
    statuses = [(await limited.get(f"/c/{UNKNOWN_CODE}")).status_code for _ in range(3)]
    assert statuses[-1] == 429
    limited.cookies.clear()
    await login(limited, world.other_site_agent)
    assert (await limited.get(f"/c/{UNKNOWN_CODE}")).status_code != 429
