"""``organisation.rna``, unique: state only (the previous migration added it and its unique index).

Piccolo's snapshot learns the column is unique so that ``--auto`` matches tables.py; no SQL runs
(SQLite cannot add a UNIQUE constraint to a column).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T17:34:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "organisation.rna is unique (state only)"


class StateOnlyMigrationManager(MigrationManager):
    """Changes Piccolo's view of an app's tables, never the database."""

    async def run(self, backwards: bool = False) -> None:
        print(f"  - {self.migration_id} [state only, database unchanged]... ", end="")


async def forwards():
    manager = StateOnlyMigrationManager(
        migration_id=ID, app_name="organisations", description=DESCRIPTION, fake=True
    )

    manager.add_column(
        table_class_name="Organisation",
        tablename="organisation",
        column_name="rna",
        db_column_name="rna",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 10,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )


    manager.alter_column(
        table_class_name="Organisation",
        tablename="organisation",
        column_name="rna",
        db_column_name="rna",
        params={"unique": True},
        old_params={"unique": False},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
