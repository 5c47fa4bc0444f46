"""Stored times in the operator's zone (PASSNUM_TIMEZONE) instead of the server's: see
passnum.clock_migration."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from passnum.clock_migration import to_operator_zone

ID = "2026-11-29T16:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "times in the operator's zone"

COLUMNS = {
    "item": ["created_at"],
    "maintenance_record": ["created_at"],
    "loan": ["checked_out_at", "closed_at", "created_at"],
    "loan_item": ["returned_at"],
    "reminder_sent": ["sent_at"],
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="equipment", description=DESCRIPTION)

    async def run():
        await to_operator_zone(COLUMNS)

    manager.add_raw(run)
    return manager
