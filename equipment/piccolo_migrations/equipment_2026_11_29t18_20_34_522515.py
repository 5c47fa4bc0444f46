from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from passnum.clock import StampNow
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Timestamp
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Item(Table, tablename="item", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


class StockTake(Table, tablename="stock_take", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-11-29T18:20:34:522515"
VERSION = "1.38.0"
DESCRIPTION = "inventory audits: stock_take, stock_take_scan"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="equipment", description=DESCRIPTION
    )

    manager.add_table(
        class_name="StockTake", tablename="stock_take", schema=None, columns=None
    )

    manager.add_table(
        class_name="StockTakeScan",
        tablename="stock_take_scan",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="StockTake",
        tablename="stock_take",
        column_name="opened_at",
        db_column_name="opened_at",
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

    manager.add_column(
        table_class_name="StockTake",
        tablename="stock_take",
        column_name="opened_by",
        db_column_name="opened_by",
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

    manager.add_column(
        table_class_name="StockTakeScan",
        tablename="stock_take_scan",
        column_name="stock_take",
        db_column_name="stock_take",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": StockTake,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
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
        table_class_name="StockTakeScan",
        tablename="stock_take_scan",
        column_name="item",
        db_column_name="item",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Item,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
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
        table_class_name="StockTakeScan",
        tablename="stock_take_scan",
        column_name="scanned_at",
        db_column_name="scanned_at",
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

    return manager
