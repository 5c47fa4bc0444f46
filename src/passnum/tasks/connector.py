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

from procrastinate import connector as base
from procrastinate.psycopg_connector import PsycopgConnector

from passnum import db
from passnum.tasks.sqlite_store import SQLiteConnector


class PassnumConnector(base.BaseAsyncConnector):
    def __init__(self) -> None:
        self._postgres: dict[str, PsycopgConnector] = {}
        self._sqlite = SQLiteConnector()
        self._lock = asyncio.Lock()

    async def _target(self) -> base.BaseAsyncConnector:
        if not db.is_postgres():
            if self._sqlite._loop is None:
                await self._sqlite.open_async()
            return self._sqlite
        url = db.engine().config["dsn"]  # the database Piccolo uses (the tests' too)
        connector = self._postgres.get(url)
        if connector is None:
            async with self._lock:
                connector = self._postgres.get(url)
                if connector is None:
                    connector = PsycopgConnector(conninfo=url, min_size=1, max_size=4)
                    await connector.open_async()
                    self._postgres[url] = connector
        return connector

    async def dispose(self) -> None:
        """Close the PostgreSQL pools (end of the process)."""
        pools, self._postgres = list(self._postgres.values()), {}
        for connector in pools:
            await connector.close_async()

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
