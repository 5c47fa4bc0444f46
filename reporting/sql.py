"""The few SQL fragments that differ between SQLite and PostgreSQL, and value coercion.

Statistics are written as plain SQL aggregates (GROUP BY in the database); these helpers keep each
query written once for both engines.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType


def is_postgres() -> bool:
    return isinstance(engine_finder(), PostgresEngine)


def typed(sql_type: str) -> str:
    """A placeholder PostgreSQL can type where it cannot infer it (e.g. in a SELECT list)."""
    return f"CAST({{}} AS {sql_type})" if is_postgres() else "{}"


def month_key(column: str) -> str:
    """The month of a timestamp in the cheapest form per engine; :func:`month_label` reads it."""
    return f"date_trunc('month', {column})" if is_postgres() else f"strftime('%Y-%m', {column})"


def month_label(value: Any) -> str:
    """'YYYY-MM' from :func:`month_key` (a timestamp on PostgreSQL, text on SQLite)."""
    return str(value)[:7] if value is not None else ""


def scanned(column: str) -> str:
    """A column SQLite must not use an index for (unary ``+``): for a period covering much of a
    table, walking ``booklet.issued_at`` costs a random row lookup per booklet where a plain
    scan is 8× faster. PostgreSQL's planner weighs that itself."""
    return column if is_postgres() else f"+{column}"


def day_of(column: str) -> str:
    return f"CAST({column} AS date)" if is_postgres() else f"date({column})"


def days_between(later: str, earlier: str) -> str:
    """Whole days from ``earlier`` to ``later`` (timestamps)."""
    if is_postgres():
        return f"(CAST({later} AS date) - CAST({earlier} AS date))"
    return f"CAST(julianday(date({later})) - julianday(date({earlier})) AS INTEGER)"


def weekday_of(column: str) -> str:
    """0 = Monday … 6 = Sunday, as in ``OpeningSlot.weekday``."""
    if is_postgres():
        return f"(CAST(extract(isodow FROM {column}) AS integer) - 1)"
    return f"((CAST(strftime('%w', {column}) AS integer) + 6) % 7)"


def time_of(column: str) -> str:
    return f"CAST({column} AS time)" if is_postgres() else f"time({column})"


def hour_of(column: str) -> str:
    """'YYYY-MM-DD HH' of a timestamp, to find bursts within one hour."""
    if is_postgres():
        return f"to_char({column}, 'YYYY-MM-DD HH24')"
    return f"strftime('%Y-%m-%d %H', {column})"


def write_transaction() -> Any:
    """A write transaction; on SQLite it takes the write lock up front (BEGIN IMMEDIATE)."""
    engine = engine_finder()
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


def as_date(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def as_time(value: Any) -> time | None:
    if value is None or isinstance(value, time):
        return value
    return time.fromisoformat(str(value))
