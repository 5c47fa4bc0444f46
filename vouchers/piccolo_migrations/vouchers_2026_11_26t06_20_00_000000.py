"""The scan ledger is append-only: the database itself refuses to change it.

PostgreSQL refuses UPDATE and DELETE (TRUNCATE, used to empty test databases, is not a row
event); SQLite refuses UPDATE (tests empty SQLite tables with DELETE).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-11-26T06:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "scan_attempt append-only trigger"

FORWARDS_PG = [
    """CREATE OR REPLACE FUNCTION scan_attempt_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'scan_attempt is append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER scan_attempt_append_only BEFORE UPDATE OR DELETE ON scan_attempt
    FOR EACH ROW EXECUTE FUNCTION scan_attempt_append_only()""",
]
BACKWARDS_PG = [
    "DROP TRIGGER IF EXISTS scan_attempt_append_only ON scan_attempt",
    "DROP FUNCTION IF EXISTS scan_attempt_append_only()",
]
FORWARDS_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS scan_attempt_append_only BEFORE UPDATE ON scan_attempt
    BEGIN SELECT RAISE(ABORT, 'scan_attempt is append-only'); END""",
]
BACKWARDS_SQLITE = ["DROP TRIGGER IF EXISTS scan_attempt_append_only"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vouchers", description=DESCRIPTION)

    async def run(postgres: list[str], sqlite: list[str]) -> None:
        engine = engine_finder()
        for statement in postgres if isinstance(engine, PostgresEngine) else sqlite:
            await engine.run_ddl(statement)

    async def run_forwards():
        await run(FORWARDS_PG, FORWARDS_SQLITE)

    async def run_backwards():
        await run(BACKWARDS_PG, BACKWARDS_SQLITE)

    manager.add_raw(run_forwards)
    manager.add_raw_backwards(run_backwards)
    return manager
