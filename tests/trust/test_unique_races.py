"""Races on unique values answer the rule's 409, never 500 (issue 14, item 3).

A real ``passnum serve`` with two workers on the test's PostgreSQL database: simultaneous
requests really run on separate connections and processes, as in production. Ten simultaneous
creations with the same serial number, e-mail, SIRET or kit name gave some 500s (the check before
the insert passed for several, the unique index refused the later inserts); six simultaneous print
runs gave five 500s (booklet numbers taken as MAX()+1).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.factories import World
from tests.live_server import PASSNUM, _free_port, _wait_until_up


@pytest.fixture
def pg_server(world: World, tmp_path: Path) -> Iterator[str]:
    """``passnum serve --workers 2`` on the tests' PostgreSQL database (already migrated)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PICCOLO_CONF"}
    env.update(
        PASSNUM_DATABASE_URL=os.environ["PASSNUM_TEST_DATABASE_URL"],
        PASSNUM_DATA_DIR=str(tmp_path),
        PASSNUM_PUBLIC_URL=f"http://127.0.0.1:{port}",
        PASSNUM_DB_POOL_SIZE="4",
    )
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [str(PASSNUM), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/health", server, tmp_path / "serve.log")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


async def at_once(url: str, headers: dict, bodies: list[dict]) -> list[httpx.Response]:
    async with httpx.AsyncClient(headers=headers, timeout=60) as http:
        return await asyncio.gather(*(http.post(url, json=body) for body in bodies))


def outcome(responses: list[httpx.Response]) -> Counter:
    return Counter(
        (r.status_code, r.json().get("error") if r.status_code >= 400 else None) for r in responses
    )


@pytest.mark.postgres_only
async def test_simultaneous_duplicates_get_the_rules_409(pg_server: str, world: World) -> None:
    staff = await world.staff.bearer()

    def device(n: int, serial: str) -> dict:
        return {"item_type": "tablet", "serial": serial, "brand": "Samsung", "model": "A8"}

    items = await at_once(
        f"{pg_server}/api/v1/items", staff, [device(n, "SN-RACE") for n in range(10)]
    )
    assert outcome(items) == {(201, None): 1, (409, "duplicate_serial"): 9}, outcome(items)
    assert "existe déjà" in next(r for r in items if r.status_code == 409).json()["message"]

    tags = [f"RACE-{n:03d}" for n in range(10)]
    made = await at_once(
        f"{pg_server}/api/v1/items", staff, [device(0, f"SN-{t}") | {"asset_tag": t} for t in tags]
    )
    assert {r.status_code for r in made} == {201}
    kits = await at_once(
        f"{pg_server}/api/v1/kits", staff, [{"name": "Valise 1", "items": [t]} for t in tags]
    )
    assert outcome(kits) == {(201, None): 1, (409, "duplicate_kit"): 9}, outcome(kits)

    users = await at_once(
        f"{pg_server}/api/v1/users",
        staff,
        [
            {
                "email": "claire@race.test",
                "role": "prescriber",
                "organisation_id": world.prescriber_org_id,
            }
            for _ in range(10)
        ],
    )
    assert outcome(users) == {(201, None): 1, (409, "duplicate_email"): 9}, outcome(users)

    organisations = await at_once(
        f"{pg_server}/api/v1/organisations",
        staff,
        [{"name": f"Mairie {n}", "siret": "73282932000074", "roles": ["site"]} for n in range(10)],
    )
    assert outcome(organisations) == {(201, None): 1, (409, "duplicate_siret"): 9}, outcome(
        organisations
    )


@pytest.mark.postgres_only
async def test_simultaneous_print_runs_are_numbered_one_after_the_other(
    pg_server: str, world: World
) -> None:
    staff = await world.staff.bearer()
    runs = [
        {
            "funder_id": world.operator_id,
            "label": f"Tirage {n}",
            "booklet_count": 50,
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
        }
        for n in range(6)
    ]
    created = await at_once(f"{pg_server}/api/v1/batches", staff, runs)
    assert [r.status_code for r in created] == [201] * 6, [r.text for r in created]
    spans = sorted(
        (int(b["first_number"][:7]), int(b["last_number"][:7]))  # the serial, before its key
        for b in (r.json() for r in created)
    )
    for (_, last), (first, _) in itertools.pairwise(spans):
        assert first == last + 1, spans
    assert all(last - first == 49 for first, last in spans)


async def test_each_engine_names_the_unique_rule_a_write_hit(world: World) -> None:
    """What the 409 handler reads, on SQLite as on PostgreSQL: the unique column (or index) the
    database refused, and the app's refusal for it."""
    from equipment.errors import UNIQUE_REFUSALS
    from equipment.tables import Item
    from passnum.errors import violated_unique
    from passnum.tables import LoginThrottle

    await Item.insert(Item(item_type="tablet", serial="SN-1", asset_tag="T-1"))
    for duplicate, code in (
        (Item(item_type="tablet", serial="SN-1", asset_tag="T-2"), "duplicate_serial"),
        (Item(item_type="tablet", serial="sn-1", asset_tag="T-3"), "duplicate_serial"),
        (Item(item_type="tablet", serial="SN-2", asset_tag="T-1"), "duplicate_asset_tag"),
    ):
        with pytest.raises(Exception) as refused:
            await Item.insert(duplicate)
        assert UNIQUE_REFUSALS[violated_unique(refused.value)][0] == code
    await LoginThrottle.insert(LoginThrottle(email="a@b.fr"))
    with pytest.raises(Exception) as refused:
        await LoginThrottle.insert(LoginThrottle(email="a@b.fr"))
    assert violated_unique(refused.value) == ("login_throttle", "email")
    assert violated_unique(ValueError("UNIQUE constraint failed: item.serial")) is None
