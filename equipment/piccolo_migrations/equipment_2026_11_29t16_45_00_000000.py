"""Every maintenance books its days: give a booking row to those recorded without one.

Until now an open maintenance (no end date) had no booking row, and closing it with a future end
date booked nothing, so reservations could be made inside it. From now on each maintenance has its
row: an open one until '9999-12-31' (equipment.booking.OPEN_END: "until further notice"), a closed
one until its end date. A record whose days already overlap an active booking (a reservation
accepted inside it) gets no row here: an open one still holds the device through the services'
check, and staff see the overlap on the calendar and move that reservation.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-11-29T16:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Booking rows for maintenance records that had none"

INSERT = """
INSERT INTO booking (item, start_date, end_date, active, loan_item, maintenance)
SELECT m.item, m.start_date, COALESCE(m.end_date, {open_end}), {true}, NULL, m.id
FROM maintenance_record m
WHERE (m.end_date IS NULL OR m.end_date >= m.start_date)
  AND NOT EXISTS (SELECT 1 FROM booking b WHERE b.maintenance = m.id)
  AND NOT EXISTS (
    SELECT 1 FROM booking b
    WHERE b.item = m.item AND b.active
      AND b.start_date <= COALESCE(m.end_date, {open_end}) AND b.end_date >= m.start_date
  )
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="equipment", description=DESCRIPTION)

    async def run_forwards():
        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            sql = INSERT.format(open_end="DATE '9999-12-31'", true="TRUE")
        else:
            sql = INSERT.format(open_end="'9999-12-31'", true="1")
        await engine.run_ddl(sql)

    async def run_backwards():
        engine = engine_finder()
        await engine.run_ddl(
            "DELETE FROM booking WHERE maintenance IS NOT NULL AND end_date = '9999-12-31'"
        )

    manager.add_raw(run_forwards)
    manager.add_raw_backwards(run_backwards)
    return manager
