"""Database access that every app shares, written once: the engine, the engine test, the write
transaction, the few SQL fragments that differ between SQLite and PostgreSQL, row and JSON
coercion, and the fast fetch path.

**Every write goes through** :func:`write_transaction`. On SQLite it is ``BEGIN IMMEDIATE``: the
file's write lock is taken up front, and a writer that finds it held waits (the connection's busy
timeout, :data:`SQLITE_BUSY_TIMEOUT_S`) instead of failing. A plain deferred transaction reads
first and upgrades to a write lock later; two of them upgrading at once is a deadlock SQLite breaks
by failing one at once with "database is locked", whatever the timeout (the 500s of several
workers on one file). On PostgreSQL it is an ordinary transaction: row locks
(``SELECT … FOR UPDATE``), conditional updates and constraints decide races there. A write that is
one single statement (an audit row, a conditional ``UPDATE … RETURNING``) is atomic by itself and
takes the write lock directly; it may run outside a transaction.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sqlite3
import sys
from datetime import date, datetime, time
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, overload

import asyncpg
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

from passnum.fr import FOLDS, fold

# How long a SQLite writer waits for another process's write lock before giving up.
SQLITE_BUSY_TIMEOUT_S = 30


def make_engine(database_url: str, sqlite_path: Path) -> Engine:
    """PostgreSQL for a postgres:// URL, otherwise a SQLite file (created on first use)."""
    if database_url.startswith(("postgres://", "postgresql://")):
        return PostgresEngine(config={"dsn": database_url})
    if database_url.startswith("sqlite:///"):
        sqlite_path = Path(database_url.removeprefix("sqlite:///"))
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # A generous busy timeout lets several worker processes share the file.
    return SQLiteEngine(
        path=str(sqlite_path), timeout=SQLITE_BUSY_TIMEOUT_S, factory=FoldingConnection
    )


@cache
def engine() -> Engine:
    """The configured engine (``piccolo_conf``'s ``DB``; the tests' when testing)."""
    found = engine_finder()
    if found is None:  # pragma: no cover - piccolo_conf always defines DB
        raise RuntimeError("No Piccolo engine configured")
    return found


def is_postgres() -> bool:
    """The one engine test: is the database PostgreSQL (else SQLite)?"""
    return isinstance(engine(), PostgresEngine)


def write_transaction() -> Any:
    """The transaction every write runs in (see the module docstring): ``async with
    write_transaction():``. Inside an open transaction it joins that one."""
    current = engine()
    if isinstance(current, SQLiteEngine):
        return current.transaction(transaction_type=TransactionType.immediate)
    return current.transaction()


async def open_pool(engine: Engine, max_size: int) -> None:
    """Start PostgreSQL's connection pool (without it every query opens a connection).

    A size of 0 disables the pool: the tests use that, because Litestar's test client runs the
    app's lifespan in another event loop than the test's own, and a pool belongs to one loop.
    """
    if isinstance(engine, PostgresEngine) and max_size > 0:
        # asyncpg opens 10 connections up front by default, and refuses a smaller maximum.
        await engine.start_connection_pool(
            min_size=min(max_size, 10), max_size=max_size, reset=_keep_session
        )
    elif isinstance(engine, SQLiteEngine):
        # WAL lets readers and one writer work at once across worker processes.
        await engine._run_in_new_connection("PRAGMA journal_mode=WAL")


# What a query raises when the database cannot be reached (server down, refused, unknown host,
# timed out, starting up, connection lost; a SQLite file that cannot be opened).
UNREACHABLE_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,
    socket.gaierror,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.ConnectionDoesNotExistError,
)
RETRY_SECONDS = 2.0
_reconnecting: set[asyncio.Task[None]] = set()
logger = logging.getLogger("passnum")


def is_unreachable(error: BaseException) -> bool:
    """Whether ``error`` means "the database cannot be reached" rather than a bug."""
    if isinstance(error, sqlite3.OperationalError):
        return "unable to open database file" in str(error)
    return isinstance(error, UNREACHABLE_ERRORS)


async def open_database(engine: Engine, max_size: int) -> None:
    """:func:`open_pool`, or, when the database cannot be reached, start anyway.

    The server then says so in French on standard error and tries again every few seconds in
    the background; meanwhile ``/health`` answers 503 and every request that needs the database
    503 ``unavailable`` (passnum.errors). Once the database answers, the pool opens and the
    service is back, without a restart.
    """
    try:
        await open_pool(engine, max_size)
    except Exception as error:
        if not is_unreachable(error):
            raise
        _say(
            f"Base de données injoignable ({_reason(error)}). passnum démarre quand même : il "
            "répond 503 (service indisponible) jusqu'au retour de la base, qu'il guette toutes "
            f"les {RETRY_SECONDS:g} secondes."
        )
        task = asyncio.get_running_loop().create_task(_reconnect(engine, max_size))
        _reconnecting.add(task)
        task.add_done_callback(_reconnecting.discard)


async def _reconnect(engine: Engine, max_size: int) -> None:
    while True:
        await asyncio.sleep(RETRY_SECONDS)
        try:
            await open_pool(engine, max_size)
            assert isinstance(engine, PostgresEngine | SQLiteEngine)  # what Engine does not declare
            await engine._run_in_new_connection("SELECT 1")
        except Exception as error:
            if not is_unreachable(error):
                logger.exception("Reconnecting to the database")
            continue
        _say("Base de données de nouveau joignable : le service reprend.")
        return


def _reason(error: BaseException) -> str:
    return str(error).strip() or type(error).__name__


def _say(message: str) -> None:
    print(f"passnum : {message}", file=sys.stderr, flush=True)


async def close_database(engine: Engine) -> None:
    """Stop waiting for the database, then :func:`close_pool`."""
    for task in list(_reconnecting):
        task.cancel()
    await close_pool(engine)


async def _keep_session(connection: object) -> None:
    """Release a pooled connection without asyncpg's default reset query (RESET ALL, CLOSE ALL,
    UNLISTEN *, pg_advisory_unlock_all): passnum never changes session state (only transaction
    advisory locks), and that query was one extra round trip after every query outside a
    transaction. An open transaction is still rolled back by asyncpg before this is called."""


async def close_pool(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine.close_connection_pool()


async def fetch(table: type[Table], sql: str, *args: Any) -> list[dict[str, Any]]:
    """``table.raw(sql, *args)`` for the constant queries of hot paths, faster on PostgreSQL.

    On PostgreSQL with a pool and outside a transaction it goes straight to asyncpg: Piccolo's
    wrapper (query string, logging hooks, result conversion) cost 0.05 ms per query on top of
    asyncpg's 0.1 ms, and a redemption runs four. Elsewhere (SQLite, the tests' pool-less
    engine, inside a Piccolo transaction) it is Piccolo's ``raw()``; the rows are the same dicts.
    """
    engine = table._meta.db
    if (
        isinstance(engine, PostgresEngine)
        and engine.pool is not None
        and engine.current_transaction.get() is None
    ):
        return [dict(row) for row in await engine.pool.fetch(_numbered(sql), *args)]
    return await table.raw(sql, *args)


@lru_cache(maxsize=256)
def _numbered(sql: str) -> str:
    """``{}`` placeholders as PostgreSQL's ``$1, $2…`` (what Piccolo's QueryString produces)."""
    return sql.format(*(f"${n}" for n in range(1, sql.count("{}") + 1)))


# --- SQL fragments that differ between the engines -----------------------------------------------
# Statistics are plain SQL aggregates (GROUP BY in the database); these keep each query written
# once for both engines. Stored times are the operator's wall clock (passnum.clock), so a day or a
# month of a stored timestamp is the operator's day or month on both engines.


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


def sql_in(values: Any) -> str:
    """``'a', 'b'`` for an ``IN (…)`` list of constants from code (enum values), never input."""
    quoted = []
    for value in values:
        text = str(getattr(value, "value", value))
        if "'" in text:
            raise ValueError(f"not a SQL constant: {text!r}")
        quoted.append(f"'{text}'")
    return ", ".join(quoted)


# --- Row coercion: raw SQL gives text on SQLite where PostgreSQL gives typed values -------------


# None stays None and anything else becomes the type: a column known not null reads as a date.
@overload
def as_date(value: None) -> None: ...
@overload
def as_date(value: object) -> date: ...
def as_date(value: Any) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


@overload
def as_datetime(value: None) -> None: ...
@overload
def as_datetime(value: object) -> datetime: ...
def as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


@overload
def as_time(value: None) -> None: ...
@overload
def as_time(value: object) -> time: ...
def as_time(value: Any) -> time | None:
    if value is None or isinstance(value, time):
        return value
    return time.fromisoformat(str(value))


def as_json(value: Any, default: Any = None) -> Any:
    """A JSON column's value from raw SQL (text on SQLite, sometimes on PostgreSQL too)."""
    if isinstance(value, (str, bytes)):
        return json.loads(value) if value else default
    return default if value is None else value


# The French sort key is passnum.fr.fold, on both engines. SQLite calls it: every connection
# registers it (make_engine's connection factory). PostgreSQL has no Python, so the key is spelled
# in SQL from the same table (passnum.fr.FOLDS): replace() for the letters that become two,
# translate() for the rest, then every run of other characters as one space.
SQLITE_FOLD_FUNCTION = "passnum_fold"


class FoldingConnection(sqlite3.Connection):
    """A SQLite connection that knows :data:`SQLITE_FOLD_FUNCTION` (passnum.fr.fold)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.create_function(SQLITE_FOLD_FUNCTION, 1, _fold_or_none, deterministic=True)


def _fold_or_none(value: str | None) -> str | None:
    return None if value is None else fold(str(value))


@cache
def _postgres_fold_parts() -> tuple[tuple[tuple[str, str], ...], str, str]:
    doubles = tuple((c, p) for c, p in FOLDS.items() if len(p) > 1)
    singles = [(c, p) for c, p in FOLDS.items() if len(p) == 1]
    deleted = [c for c, p in FOLDS.items() if not p]
    source = "".join(c for c, _ in singles) + "".join(deleted)
    return doubles, source, "".join(p for _, p in singles)


def french_sort_key(column: str) -> str:
    """SQL for ``column``'s French sort key, passnum.fr.fold (Brécey before Bricquebec, Élan next
    to Elan, Œuvre as oeuvre), whatever the database's collation; ORDER BY it with the column
    itself next, so names that fold alike keep a fixed order."""
    if not is_postgres():
        return f"{SQLITE_FOLD_FUNCTION}({column})"
    doubles, source, target = _postgres_fold_parts()
    sql = column
    for char, plain in doubles:
        sql = f"replace({sql}, {_literal(char)}, {_literal(plain)})"
    sql = f"translate({sql}, {_literal(source)}, {_literal(target)})"
    return f"btrim(regexp_replace({sql}, '[^a-z0-9]+', ' ', 'g'))"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def order_french(query: Any, column: str) -> Any:
    """``query`` ordered by ``column`` in French alphabetical order (see french_sort_key)."""
    from piccolo.query import OrderByRaw

    return query.order_by(OrderByRaw(french_sort_key(column))).order_by(OrderByRaw(column))


@cache
def migrations_shipped() -> frozenset[tuple[str, str]]:
    """Every (app, migration id) the installed code ships, read once from the migration folders
    of the apps in ``piccolo_conf`` (the files do not change while the process runs)."""
    from piccolo.apps.migrations.commands.base import BaseMigrationManager

    finder = BaseMigrationManager()
    shipped = set()
    for config in finder.get_app_configs():
        modules = finder.get_migration_modules(config.resolved_migrations_folder_path)
        shipped.update((config.app_name, migration_id) for migration_id in modules)
    return frozenset(shipped)


# Set once the database was seen with every shipped migration applied (see pending_migrations).
migrations_seen_current = {"value": False}


async def pending_migrations() -> list[str]:
    """The shipped migrations the database has not recorded as applied ("app id"), sorted.

    Piccolo records each applied migration as a row (app_name, name) of its ``migration``
    table; one query compares them with :func:`migrations_shipped`. A database without that
    table has applied none. Raises what the driver raises when the database cannot be reached.
    Once none is pending the answer is kept for the life of the process (new migrations come
    with new code, so a new process): ``/health`` then costs one ``SELECT 1``, as before.
    """
    from piccolo.apps.migrations.tables import Migration

    if migrations_seen_current["value"]:
        return []

    if not await Migration.table_exists():
        applied: set[tuple[str, str]] = set()
    else:
        rows = await Migration.select(Migration.app_name, Migration.name)
        applied = {(row["app_name"], row["name"]) for row in rows}
    pending = sorted(f"{app} {name}" for app, name in migrations_shipped() - applied)
    migrations_seen_current["value"] = not pending
    return pending
