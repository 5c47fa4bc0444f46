"""Maintenance records opened for a device returned with its data not wiped: ``wipe_required``.

Records opened before this column get False (closing them asks nothing more than before).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod
ID = "2026-11-29T18:05:18:442335"
VERSION = "1.38.0"
DESCRIPTION = "maintenance_record.wipe_required: closing confirms the data wipe"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="equipment", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="MaintenanceRecord",
        tablename="maintenance_record",
        column_name="wipe_required",
        db_column_name="wipe_required",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
            "null": False,
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
