"""An operator upgrades a passnum whose organisations were created before they had an app of
their own: `passnum migrate` hands the tables over and keeps every row, on SQLite and PostgreSQL.

The old database is built by the migrations as they stood before the move (the kernel's first
migration made organisation, opening_slot and membership), filled by SQL as that code wrote it,
then migrated by today's `passnum migrate` in a real process.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
TEST_PG_URL = os.environ.get("PASSNUM_TEST_DATABASE_URL", "")

# Each app's migrations as the code before the hand-over had them (their last migration then);
# later ones run with the hand-over, as they do on a real upgrade.
OLD_STATE = [
    ("user", "all"),
    ("session_auth", "all"),
    ("passnum", "2026-11-26T06:06:18:535585"),
    ("vouchers", "2026-11-26T06:43:16:458960"),
    ("equipment", "2026-11-26T06:03:30:000000"),
    ("reimbursements", "2026-11-26T06:10:26:000000"),
]
OLD_CODE_ROWS = [
    """INSERT INTO organisation (id, name, kind, siret, address, commune, insee_code, postcode,
       phone, email, is_operator, is_funder, is_prescriber, is_site, is_borrower, site_status,
       services, created_at)
       VALUES (7, 'Mairie de Terre-et-Marais', 'mairie', '99900001000017', 'Place de la Mairie',
       'Terre-et-Marais', '50564', '50500', '02 33 00 00 00', 'mairie@terre-et-marais.test',
       FALSE, FALSE, TRUE, TRUE, FALSE, 'qualified', 'Démarches en ligne',
       '2026-11-20 10:00:00')""",
    """INSERT INTO opening_slot (id, organisation, weekday, opens, closes, note)
       VALUES (3, 7, 2, '09:00:00', '12:00:00', 'mercredi matin')""",
    """INSERT INTO piccolo_user (id, username, password, first_name, last_name, email, active,
       admin, superuser)
       VALUES (5, 'accueil@terre-et-marais.test', 'x', 'Anne', 'Leroux',
       'accueil@terre-et-marais.test', TRUE, FALSE, FALSE)""",
    """INSERT INTO membership (id, "user", organisation, role) VALUES (11, 5, 7, 'site_agent')""",
]
KEPT = {
    "organisation": "SELECT id, name, siret, commune, is_site, site_status FROM organisation",
    "opening_slot": "SELECT id, organisation, weekday, note FROM opening_slot",
    "membership": 'SELECT id, "user", organisation, role FROM membership',
}
HANDOVER_IDS = {"2026-11-29T16:19:00:000000", "2026-11-29T16:19:34:850625"}

_OLD_STATE_SCRIPT = """
import asyncio, sys
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.engine import engine_finder

async def main(steps, statements):
    for app, upto in steps:
        result = await run_forwards(app, migration_id=upto)
        assert result.success, result.message
    engine = engine_finder()
    for sql in statements:
        await engine._run_in_new_connection(sql)

steps = [tuple(s.split("=")) for s in sys.argv[1].split(",")]
asyncio.run(main(steps, sys.argv[2:]))
"""


class Database:
    """A scratch database of the engine under test, reached by a real `passnum` process."""

    def __init__(self, tmp_path: Path) -> None:
        self.sqlite_dir = tmp_path / "data"
        self.sqlite_dir.mkdir()
        self.url = ""
        if TEST_PG_URL:
            parts = urlsplit(TEST_PG_URL)
            self.name = f"{parts.path.lstrip('/')}_handover_{uuid.uuid4().hex[:8]}"
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PICCOLO_", "PASSNUM_"))}
        env |= {"PICCOLO_CONF": "piccolo_conf", "PASSNUM_DATA_DIR": str(self.sqlite_dir)}
        if self.url:
            env["PASSNUM_DATABASE_URL"] = self.url
        return env

    def run(self, *args: str) -> str:
        result = subprocess.run(
            args, env=self.env(), cwd=ROOT, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def query(self, sql: str) -> list[tuple]:
        if not self.url:
            with sqlite3.connect(self.sqlite_dir / "passnum.sqlite") as connection:
                return sorted(connection.execute(sql).fetchall(), key=repr)
        return asyncio.run(self._pg_query(sql))

    async def _pg_query(self, sql: str) -> list[tuple]:
        connection = await asyncpg.connect(self.url)
        try:
            return sorted((tuple(r) for r in await connection.fetch(sql)), key=repr)
        finally:
            await connection.close()

    def schema(self) -> list[tuple]:
        """Tables, columns, indexes and constraints as the engine reports them."""
        if not self.url:
            return self.query(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            )
        return (
            self.query(
                "SELECT table_name, column_name, data_type, is_nullable, column_default "
                "FROM information_schema.columns WHERE table_schema = 'public'"
            )
            + self.query(
                "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
            )
            + self.query(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
            )
        )

    def create(self) -> None:
        if self.url:
            asyncio.run(self._admin(f'CREATE DATABASE "{self.name}"'))

    def drop(self) -> None:
        if self.url:
            asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))

    async def _admin(self, sql: str) -> None:
        connection = await asyncpg.connect(TEST_PG_URL)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    (tmp_path / "old").mkdir()
    (tmp_path / "fresh").mkdir()
    databases = (Database(tmp_path / "old"), Database(tmp_path / "fresh"))
    for database in databases:
        database.create()
    yield databases
    for database in databases:
        database.drop()


def test_an_existing_database_keeps_its_organisations_slots_and_members_after_migrating(
    scratch: tuple[Database, Database],
) -> None:
    old, fresh = scratch
    steps = ",".join(f"{app}={upto}" for app, upto in OLD_STATE)
    old.run(str(BIN / "python"), "-c", _OLD_STATE_SCRIPT, steps, *OLD_CODE_ROWS)
    before = {table: old.query(sql) for table, sql in KEPT.items()}
    assert before["organisation"] and before["opening_slot"] and before["membership"]

    assert "à jour" in old.run(str(BIN / "passnum"), "migrate")

    assert {table: old.query(sql) for table, sql in KEPT.items()} == before
    ran = old.query("SELECT name, app_name FROM migration")
    assert {name for name, _ in ran} >= HANDOVER_IDS
    assert ("2026-11-29T16:19:34:850625", "organisations") in ran
    # Same tables, columns, indexes and foreign keys as a database created after the move.
    fresh.run(str(BIN / "passnum"), "migrate")
    assert old.schema() == fresh.schema()
    # Today's code works on the rows it inherited: a new member joins the migrated site.
    old.run(
        str(BIN / "passnum"),
        "user",
        "create",
        "mediateur@terre-et-marais.test",
        "--organisation-id",
        "7",
        "--role",
        "site_agent",
    )
    members = old.query('SELECT "user", organisation, role FROM membership')
    assert len(members) == 2 and {m[1] for m in members} == {7}
