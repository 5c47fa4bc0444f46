"""Stored times in the operator's zone (PASSNUM_TIMEZONE) instead of the server's: see
passnum.clock_migration. The append-only scan ledger lets this one migration rewrite its times:
its trigger is lifted for the update and put back."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine

from passnum.clock_migration import to_operator_zone

ID = "2026-11-29T16:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "times in the operator's zone"

COLUMNS = {
    "batch": ["paid_at", "created_at"],
    "beneficiary": ["created_at", "anonymised_at"],
    "booklet": ["allocated_at", "issued_at", "exhausted_at", "cancelled_at"],
    "cheque": ["redeemed_at", "cancelled_at"],
    "scan_attempt": ["at"],
    "idempotency_record": ["created_at"],
    "print_job": ["created_at", "heartbeat_at", "finished_at"],
}
LIFT_PG = "ALTER TABLE scan_attempt DISABLE TRIGGER scan_attempt_append_only"
RESTORE_PG = "ALTER TABLE scan_attempt ENABLE TRIGGER scan_attempt_append_only"
LIFT_SQLITE = "DROP TRIGGER IF EXISTS scan_attempt_append_only"
RESTORE_SQLITE = """CREATE TRIGGER IF NOT EXISTS scan_attempt_append_only BEFORE UPDATE ON scan_attempt
    BEGIN SELECT RAISE(ABORT, 'scan_attempt is append-only'); END"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vouchers", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        postgres = isinstance(engine, PostgresEngine)
        await engine.run_ddl(LIFT_PG if postgres else LIFT_SQLITE)
        await to_operator_zone(COLUMNS)
        await engine.run_ddl(RESTORE_PG if postgres else RESTORE_SQLITE)

    manager.add_raw(run)
    return manager
