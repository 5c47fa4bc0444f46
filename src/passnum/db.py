"""Database engines: SQLite embedded by default, PostgreSQL when a URL is given."""

from __future__ import annotations

import asyncio
import logging
import socket
import sqlite3
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import asyncpg
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table


def make_engine(database_url: str, sqlite_path: Path) -> Engine:
    """PostgreSQL for a postgres:// URL, otherwise a SQLite file (created on first use)."""
    if database_url.startswith(("postgres://", "postgresql://")):
        return PostgresEngine(config={"dsn": database_url})
    if database_url.startswith("sqlite:///"):
        sqlite_path = Path(database_url.removeprefix("sqlite:///"))
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    # A generous busy timeout lets several worker processes share the file.
    return SQLiteEngine(path=str(sqlite_path), timeout=30)


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
