"""Stored times in the operator's zone (PASSNUM_TIMEZONE) instead of the server's: see
passnum.clock_migration."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from passnum.clock_migration import to_operator_zone

ID = "2026-11-29T16:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "times in the operator's zone"

COLUMNS = {
    "organisation": ["created_at"],
    "api_token": ["created_at", "revoked_at"],
    "audit_entry": ["at"],
    "login_throttle": ["last_failure_at", "locked_until"],
    # piccolo_api's session table: passnum checks session expiry against its own clock.
    "sessions": ["expiry_date", "max_expiry_date"],
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="passnum", description=DESCRIPTION)

    async def run():
        await to_operator_zone(COLUMNS)

    manager.add_raw(run)
    return manager
