"""Database engines: SQLite embedded by default, PostgreSQL when a URL is given."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

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
