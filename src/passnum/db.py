"""Database engines: SQLite embedded by default, PostgreSQL when a URL is given."""

from __future__ import annotations

from pathlib import Path

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine


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
