"""A statement number is given once, on both engines (SQLite cannot add a UNIQUE column, so the
previous migration adds the column and this one its unique index)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T20:07:46:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique statement number"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reimbursements", description=DESCRIPTION)

    async def run_forwards():
        await engine_finder().run_ddl("CREATE UNIQUE INDEX statement_number ON statement (number)")

    async def run_backwards():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS statement_number")

    manager.add_raw(run_forwards)
    manager.add_raw_backwards(run_backwards)
    return manager
