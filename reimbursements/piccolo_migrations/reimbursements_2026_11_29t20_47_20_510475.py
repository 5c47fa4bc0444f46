from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T20:47:20:510475"
VERSION = "1.38.0"
DESCRIPTION = "a statement keeps the id of the bank details version it names"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="reimbursements", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Statement",
        tablename="statement",
        column_name="bank_details_id",
        db_column_name="bank_details_id",
        column_class_name="Integer",
        column_class=Integer,
        params={
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

    return manager
