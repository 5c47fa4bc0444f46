from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-11-29T21:30:59:068185"
VERSION = "1.38.0"
DESCRIPTION = "Loan requests may wait (waiting list)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="equipment", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="LoanRequest",
        tablename="loan_request",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "RequestStatus",
                {
                    "pending": "pending",
                    "waiting": "waiting",
                    "approved": "approved",
                    "declined": "declined",
                    "cancelled": "cancelled",
                },
            )
        },
        old_params={
            "choices": Enum(
                "RequestStatus",
                {
                    "pending": "pending",
                    "approved": "approved",
                    "declined": "declined",
                    "cancelled": "cancelled",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
