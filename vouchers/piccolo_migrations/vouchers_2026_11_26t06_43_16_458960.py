"""Indexes for the statistics page (reporting/stats.py), added for its 1,000,000-cheque benchmark.

- ``booklet.issued_at``: the cohort of booklets handed out in a period is a range on it.
- ``cheque_redeemed_cover`` (partial, redeemed cheques): cheques redeemed in a period grouped by
  month, site, activity and place are read from the index alone.
- ``cheque_first_use`` (partial, redeemed cheques): a booklet's first use is the first entry
  under its id, so the median days to first use never reads the cheque rows.
Both partial indexes are plain SQL that SQLite and PostgreSQL share; Piccolo's table
definitions cannot express a partial multi-column index, hence the raw steps.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamp
from piccolo.engine.finder import engine_finder

ID = "2026-11-26T06:43:16:458960"
VERSION = "1.38.0"
DESCRIPTION = "statistics indexes: booklet.issued_at, partial covering indexes on cheque"

FORWARDS = [
    "CREATE INDEX IF NOT EXISTS cheque_redeemed_cover ON cheque "
    "(redeemed_at, site, activity, place, booklet) WHERE status = 'redeemed'",
    "CREATE INDEX IF NOT EXISTS cheque_first_use ON cheque (booklet, redeemed_at) "
    "WHERE status = 'redeemed'",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS cheque_redeemed_cover",
    "DROP INDEX IF EXISTS cheque_first_use",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vouchers", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Booklet",
        tablename="booklet",
        column_name="issued_at",
        db_column_name="issued_at",
        params={"index": True},
        old_params={"index": False},
        column_class=Timestamp,
        old_column_class=Timestamp,
        schema=None,
    )

    async def run_forwards():
        for statement in FORWARDS:
            await engine_finder().run_ddl(statement)

    async def run_backwards():
        for statement in BACKWARDS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(run_forwards)
    manager.add_raw_backwards(run_backwards)
    return manager
