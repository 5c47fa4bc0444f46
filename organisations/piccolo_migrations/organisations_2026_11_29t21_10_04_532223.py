from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-11-29T21:10:04:532223"
VERSION = "1.38.0"
DESCRIPTION = "Membership role borrower (contacts of borrowing organisations)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="organisations", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Membership",
        tablename="membership",
        column_name="role",
        db_column_name="role",
        params={
            "choices": Enum(
                "Role",
                {
                    "staff": "staff",
                    "funder": "funder",
                    "prescriber": "prescriber",
                    "site_agent": "site_agent",
                    "borrower": "borrower",
                },
            )
        },
        old_params={
            "choices": Enum(
                "Role",
                {
                    "staff": "staff",
                    "funder": "funder",
                    "prescriber": "prescriber",
                    "site_agent": "site_agent",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
