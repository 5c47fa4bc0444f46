"""A credit note number is given once, on both engines (a unique index, as for statements)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T20:31:15:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique credit note number"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reimbursements", description=DESCRIPTION)

    async def run_forwards():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX credit_note_number ON credit_note (number)"
        )

    async def run_backwards():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS credit_note_number")

    manager.add_raw(run_forwards)
    manager.add_raw_backwards(run_backwards)
    return manager
