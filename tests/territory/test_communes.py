"""A person looks for a commune by name, postcode or code, and the official list answers."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from litestar.testing import AsyncTestClient


async def search(client: AsyncTestClient, q: str) -> list[dict]:
    response = await client.get("/api/v1/communes", params={"q": q})
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_name_typed_without_accents_or_hyphens_finds_the_commune(
    client: AsyncTestClient,
) -> None:
    found = await search(client, "sainte mere eglise")
    assert found[0]["code"] == "50523"
    assert found[0]["nom"] == "Sainte-Mère-Église"
    assert found[0]["codes_postaux"] == ["50480"]
    assert (await search(client, "SAINTE-MÈRE-ÉGLISE"))[0]["code"] == "50523"


async def test_a_postcode_finds_its_communes(client: AsyncTestClient) -> None:
    found = await search(client, "50200")
    assert {"code": "50147", "nom": "Coutances"}.items() <= found[0].items()
    assert all("50200" in c["codes_postaux"] for c in found)


async def test_an_old_code_finds_the_current_commune(client: AsyncTestClient) -> None:
    # 50527 was merged into Coutances; 49031 is a commune déléguée of Baugé-en-Anjou.
    assert [c["code"] for c in await search(client, "50527")] == ["50147"]
    assert (await search(client, "49031"))[0]["nom"] == "Baugé-en-Anjou"


async def test_a_commune_comes_with_its_intercommunality(client: AsyncTestClient) -> None:
    le_mans = (await search(client, "le mans"))[0]
    assert le_mans["code"] == "72181"
    assert le_mans["epci_nom"] == "CU Le Mans Métropole"


async def test_an_unknown_code_finds_nothing(client: AsyncTestClient) -> None:
    assert await search(client, "99999") == []
    assert await search(client, "") == []


def test_passnum_communes_update_loads_the_vendored_files_again(migrated_copy: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PICCOLO_", "PASSNUM_"))}
    env |= {"PICCOLO_CONF": "piccolo_conf", "PASSNUM_DATA_DIR": str(migrated_copy)}
    passnum = [str(Path(sys.executable).parent / "passnum")]
    database = sqlite3.connect(migrated_copy / "passnum.sqlite")
    database.execute("DELETE FROM territory_commune WHERE code = '50147'")
    database.commit()
    done = subprocess.run(
        [*passnum, "communes", "update"], env=env, check=True, capture_output=True, text=True
    )
    assert "34969 communes" in done.stdout
    row = database.execute("SELECT name FROM territory_commune WHERE code = '50147'").fetchone()
    assert row == ("Coutances",)
