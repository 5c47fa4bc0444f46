"""`passnum serve --workers 2` on SQLite: two processes writing one file. Every write takes the
write lock up front and waits for it (passnum.db.write_transaction), so a burst of concurrent
item creations through both workers all succeed — no 500 "database is locked"."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live_server import PASSNUM, _free_port, _wait_until_up

CREATIONS = 120
AT_ONCE = 40


def _passnum(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PASSNUM, *args], env=env, check=True, capture_output=True, text=True, timeout=300
    )
    return result.stdout


async def _create_items(url: str, token: str) -> list[httpx.Response]:
    gate = asyncio.Semaphore(AT_ONCE)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:

        async def create(n: int) -> httpx.Response:
            async with gate:
                body = {"item_type": "tablet", "serial": f"SN-WORKERS-{n:04d}"}
                return await client.post("/api/v1/items", json=body)

        return await asyncio.gather(*(create(n) for n in range(CREATIONS)))


@pytest.fixture
def two_workers_on_sqlite(tmp_path: Path, demo_copy: Path) -> Iterator[tuple[str, str, Path]]:
    """A demo territory in a fresh SQLite file served by two workers: (url, staff token, log)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PICCOLO_", "PASSNUM_"))}
    env.update(PASSNUM_DATA_DIR=str(demo_copy), PASSNUM_PUBLIC_URL="http://127.0.0.1")
    _passnum(env, "user", "create", "parc@test.fr", "--organisation-id", "1", "--role", "staff")
    token = re.search(r"pn_\S+", _passnum(env, "token", "create", "parc@test.fr")).group(0)
    port = _free_port()
    log = tmp_path / "server.log"
    server = subprocess.Popen(
        [PASSNUM, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(f"{url}/health", server, log)
        yield url, token, log
    finally:
        server.terminate()
        server.wait(timeout=30)


async def test_two_workers_on_sqlite_create_items_at_once_without_database_is_locked(
    two_workers_on_sqlite: tuple[str, str, Path],
) -> None:
    url, token, log = two_workers_on_sqlite
    responses = await _create_items(url, token)
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == CREATIONS, (
        {s: statuses.count(s) for s in set(statuses)},
        log.read_text()[-2000:],
    )
    assert "database is locked" not in log.read_text()
    tags = {r.json()["asset_tag"] for r in responses}
    assert len(tags) == CREATIONS
