"""Stored times in the operator's zone (PASSNUM_TIMEZONE) instead of the server's: see
passnum.clock_migration."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from passnum.clock_migration import to_operator_zone

ID = "2026-11-29T16:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "times in the operator's zone"

COLUMNS = {
    "statement": ["created_at", "submitted_at"],
    "statement_line": ["redeemed_at"],
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reimbursements", description=DESCRIPTION)

    async def run():
        await to_operator_zone(COLUMNS)

    manager.add_raw(run)
    return manager
