"""Column defaults read passnum.clock (StampNow instead of Piccolo's TimestampNow).

State only: generated with ``piccolo migrations new organisations --auto``, then made a
StateOnlyMigrationManager. Only Piccolo's snapshot changes: the database keeps its
``current_timestamp`` default, which passnum never relies on (every insert gives the time).
SQLite cannot alter a column's default, so no SQL runs, in either direction.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from passnum.clock import StampNow
from piccolo.columns.column_types import Timestamp
from piccolo.columns.defaults.timestamp import TimestampNow

ID = "2026-11-29T16:51:21:596133"
VERSION = "1.38.0"
DESCRIPTION = "column defaults read passnum.clock"


class StateOnlyMigrationManager(MigrationManager):
    """Changes Piccolo's view of an app's tables, never the database."""

    async def run(self, backwards: bool = False) -> None:
        print(f"  - {self.migration_id} [state only, database unchanged]... ", end="")


async def forwards():
    manager = StateOnlyMigrationManager(
        migration_id=ID, app_name="organisations", description=DESCRIPTION, fake=True
    )

    manager.alter_column(
        table_class_name="Organisation",
        tablename="organisation",
        column_name="created_at",
        db_column_name="created_at",
        params={"default": StampNow()},
        old_params={"default": TimestampNow()},
        column_class=Timestamp,
        old_column_class=Timestamp,
        schema=None,
    )

    return manager
