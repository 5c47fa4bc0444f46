"""A serial number names one device whatever its case: a unique index on lower(serial).

``AUDIT-SN-1`` and ``audit-sn-1`` were accepted as two devices. Before the index is built, a serial
already present in another case on an older item is kept on the oldest one and the later ones get
`` (doublon n° ID)`` appended (ID: the item's own id), so the upgrade never fails and staff find
them by searching "doublon" (then retire the copy). Same SQL on SQLite and PostgreSQL (SQLite's
lower() folds ASCII letters only, which serial numbers are).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T16:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique index on lower(item.serial)"

FORWARDS = [
    "UPDATE item SET serial = serial || ' (doublon n° ' || CAST(id AS VARCHAR(20)) || ')' "
    "WHERE EXISTS (SELECT 1 FROM item older "
    "WHERE lower(older.serial) = lower(item.serial) AND older.id < item.id)",
    "CREATE UNIQUE INDEX item_serial_lower_key ON item (lower(serial))",
]
BACKWARDS = ["DROP INDEX IF EXISTS item_serial_lower_key"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="equipment", description=DESCRIPTION)

    async def run_forwards():
        engine = engine_finder()
        for statement in FORWARDS:
            await engine.run_ddl(statement)

    async def run_backwards():
        engine = engine_finder()
        for statement in BACKWARDS:
            await engine.run_ddl(statement)

    manager.add_raw(run_forwards)
    manager.add_raw_backwards(run_backwards)
    return manager
