"""The connector procrastinate talks to: PostgreSQL through psycopg 3, or passnum's SQLite file.

Chosen at each call from Piccolo's engine (``passnum.db.is_postgres``), so one procrastinate app per
process serves whatever database the process uses (tests switch it). The PostgreSQL pool is
opened on first use and closed by :meth:`PassnumConnector.dispose` when the process stops:
procrastinate's ``open_async``/``close_async`` around each use would otherwise reopen it for
every job deferred from a request.

Why psycopg next to Piccolo's asyncpg: procrastinate speaks psycopg 3 (its only asynchronous
PostgreSQL connector, a dependency of procrastinate itself), and the redemption's hot path stays
on asyncpg untouched. The queue keeps a small pool of its own (1 to 4 connections per process).
"""

from __future__ import annotations

import asyncio
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from procrastinate import connector as base
from procrastinate.psycopg_connector import PsycopgConnector

from passnum import db
from passnum.tasks.sqlite_store import SQLiteConnector


class PassnumConnector(base.BaseAsyncConnector):
    def __init__(self) -> None:
        # One pool per database and event loop (a pool belongs to the loop that opened it; the
        # tests' HTTP client runs the app in a loop of its own).
        self._postgres: dict[tuple[str, int], PsycopgConnector] = {}
        self._sqlite = SQLiteConnector()

    async def _target(self) -> base.BaseAsyncConnector:
        if not db.is_postgres():
            if self._sqlite._loop is None:
                await self._sqlite.open_async()
            return self._sqlite
        engine = db.engine()
        assert isinstance(engine, PostgresEngine)  # is_postgres() above
        url = engine.config["dsn"]  # the database Piccolo uses (the tests' too)
        key = (url, id(asyncio.get_running_loop()))
        connector = self._postgres.get(key)
        if connector is None:
            # No server-side prepared statements: a migration that rebuilds the queue's tables
            # would leave them stale (« cached plan must not change result type »).
            connector = PsycopgConnector(
                conninfo=url, min_size=1, max_size=4, kwargs={"prepare_threshold": None}
            )
            await connector.open_async()
            if key in self._postgres:  # another coroutine opened one meanwhile: keep theirs
                await connector.close_async()
                return self._postgres[key]
            self._postgres[key] = connector
        return connector

    async def dispose(self) -> None:
        """Close the PostgreSQL pools of this event loop (end of the process)."""
        loop = id(asyncio.get_running_loop())
        for key in [k for k in self._postgres if k[1] == loop]:
            await self._postgres.pop(key).close_async()

    # procrastinate opens and closes around each use; the pool lives as long as the process.
    async def open_async(self, pool: Any = None) -> None:
        return None

    async def close_async(self) -> None:
        return None

    def get_sync_connector(self) -> base.BaseConnector:
        return self

    async def execute_query_async(self, query: Any, **arguments: Any) -> None:
        return await (await self._target()).execute_query_async(query, **arguments)

    async def execute_query_one_async(self, query: Any, **arguments: Any) -> dict[str, Any]:
        return await (await self._target()).execute_query_one_async(query, **arguments)

    async def execute_query_all_async(self, query: Any, **arguments: Any) -> list[dict[str, Any]]:
        return await (await self._target()).execute_query_all_async(query, **arguments)

    async def execute_query_one_async_with_connection(
        self, connection: Any, query: Any, **arguments: Any
    ) -> dict[str, Any]:
        return await self.execute_query_one_async(query, **arguments)

    async def execute_query_all_async_with_connection(
        self, connection: Any, query: Any, **arguments: Any
    ) -> list[dict[str, Any]]:
        return await self.execute_query_all_async(query, **arguments)

    async def listen_notify(self, on_notification: base.Notify, channels: Any) -> None:
        await (await self._target()).listen_notify(on_notification, channels)
