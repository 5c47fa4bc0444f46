"""PostgreSQL only: the database refuses two active bookings of one item on overlapping days.

Dates are inclusive ('[]'): a loan ending on day D and another starting on day D overlap, so
same-day back-to-back bookings are refused (the item is checked and wiped on its return day).
SQLite has no exclusion constraints; there the services serialise bookings with an immediate
transaction instead.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-11-26T06:03:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "Exclusion constraint on booking (item, daterange) where active"

FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist "
    "(item WITH =, daterange(start_date, end_date, '[]') WITH &&) WHERE (active)",
    "ALTER TABLE booking ADD CONSTRAINT booking_dates_ordered CHECK (start_date <= end_date)",
]
BACKWARDS = [
    "ALTER TABLE booking DROP CONSTRAINT IF EXISTS booking_dates_ordered",
    "ALTER TABLE booking DROP CONSTRAINT IF EXISTS booking_no_overlap",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="equipment", description=DESCRIPTION)

    async def run_forwards():
        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            for statement in FORWARDS:
                await engine.run_ddl(statement)

    async def run_backwards():
        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            for statement in BACKWARDS:
                await engine.run_ddl(statement)

    manager.add_raw(run_forwards)
    manager.add_raw_backwards(run_backwards)
    return manager
