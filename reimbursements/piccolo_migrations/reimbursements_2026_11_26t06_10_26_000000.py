"""One statement per site and period, on both engines: building one month twice, even by two
processes at once, cannot make a second statement (the cheque's own UNIQUE is in the table)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-26T06:10:26:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique (site, period_start) on statement"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reimbursements", description=DESCRIPTION)

    async def run_forwards():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX statement_site_period ON statement (site, period_start)"
        )

    async def run_backwards():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS statement_site_period")

    manager.add_raw(run_forwards)
    manager.add_raw_backwards(run_backwards)
    return manager
