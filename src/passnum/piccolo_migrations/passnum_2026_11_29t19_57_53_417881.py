"""The task queue (passnum.tasks): each failed attempt's French reason (task_failure), and the
jobs' store: procrastinate's own schema on PostgreSQL (the SQL shipped with the pinned version,
run as is), three tables on SQLite (passnum.tasks.sqlite_store). Upgrading procrastinate to a
version with schema changes takes a new migration running its sql/migrations files."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from passnum.clock import StampNow
from piccolo.columns.column_types import BigInt
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Text
from piccolo.columns.column_types import Timestamp
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T19:57:53:417881"
VERSION = "1.38.0"
DESCRIPTION = "Task queue: failure reasons, procrastinate schema or SQLite job store"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="passnum", description=DESCRIPTION
    )

    manager.add_table(
        class_name="TaskFailure",
        tablename="task_failure",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="TaskFailure",
        tablename="task_failure",
        column_name="job_id",
        db_column_name="job_id",
        column_class_name="BigInt",
        column_class=BigInt,
        params={
            "default": 0,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="TaskFailure",
        tablename="task_failure",
        column_name="attempt",
        db_column_name="attempt",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 1,
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

    manager.add_column(
        table_class_name="TaskFailure",
        tablename="task_failure",
        column_name="reason",
        db_column_name="reason",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
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

    manager.add_column(
        table_class_name="TaskFailure",
        tablename="task_failure",
        column_name="created_at",
        db_column_name="created_at",
        column_class_name="Timestamp",
        column_class=Timestamp,
        params={
            "default": StampNow(),
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

    async def job_store():
        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            from procrastinate.schema import SchemaManager

            sql = SchemaManager.get_schema()
            transaction = engine.current_transaction.get()
            if transaction is not None:
                await transaction.connection.execute(sql)
            else:
                connection = await engine.get_new_connection()
                try:
                    await connection.execute(sql)
                finally:
                    await connection.close()
        else:
            from passnum.tasks.sqlite_store import TABLES

            for statement in TABLES.split(";"):
                await engine.run_ddl(statement)

    manager.add_raw(job_store)
    return manager
