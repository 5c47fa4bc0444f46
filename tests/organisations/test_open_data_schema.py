"""The demo's open data passes the national "lieux de médiation numérique" schema (v1.0.2) with
frictionless — the validator data.gouv.fr runs — and the JSON carries the same records; a site
without SIRET or RNA, or suspended, is not published."""

from __future__ import annotations

import asyncio
import csv
import io
import subprocess
import sys
from pathlib import Path

from frictionless import Schema

from organisations.demo import load_territory
from organisations.tables import Organisation

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
SCHEMA = Path(__file__).parent.parent / "data" / "lieux-mediation-numerique.schema.json"


async def test_the_demo_export_is_valid_against_the_national_schema(client, db, tmp_path):
    await load_territory()
    response = await client.get("/lieux/donnees.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"  # the charset once
    path = tmp_path / "lieux.csv"
    path.write_bytes(response.content)
    (tmp_path / "schema.json").write_bytes(SCHEMA.read_bytes())  # frictionless reads paths below
    # What data.gouv.fr runs: frictionless validate --schema SCHEMA FILE.
    done = await asyncio.to_thread(
        subprocess.run,
        [str(FRICTIONLESS), "validate", "--schema", "schema.json", "lieux.csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "VALID" in done.stdout, done.stdout[-3000:]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) > 40
    assert list(rows[0]) == [
        f["name"] for f in Schema.from_descriptor(str(SCHEMA)).to_dict()["fields"]
    ]
    assert {r["itinerance"] for r in rows} == {"Fixe"}
    assert all(r["telephone"].startswith("+33") for r in rows if r["telephone"])
    assert all(r["services"] for r in rows)

    records = (await client.get("/lieux/donnees.json")).json()
    as_csv = {
        r["id"]: {
            k: ("|".join(v) if isinstance(v, list) else "" if v is None else str(v))
            for k, v in r.items()
        }
        for r in records
    }
    assert as_csv == {r["id"]: r for r in rows}


async def test_a_site_without_siret_or_suspended_is_not_published(client, db):
    await load_territory()
    unidentified = (
        await Organisation.select(Organisation.id)
        .where(Organisation.name == "Mairie de Coutances")
        .first()
    )
    await Organisation.update({Organisation.siret: None}).where(
        Organisation.id == unidentified["id"]
    )
    await Organisation.update({Organisation.site_status: "suspended"}).where(
        Organisation.name == "Mairie de Granville"
    )
    names = {r["nom"] for r in (await client.get("/lieux/donnees.json")).json()}
    assert "Mairie de Saint-Lô" in names
    assert "Mairie de Coutances" not in names and "Mairie de Granville" not in names
    assert "00000000000000" not in (await client.get("/lieux/donnees.csv")).text
