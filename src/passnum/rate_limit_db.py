"""Rate-limit counters in PostgreSQL, shared by every worker on every machine.

Litestar's RateLimitMiddleware keeps, per key, the list of request times in a Store and reads
then rewrites it (two store calls per limit, under a per-process lock; with the file store that
is a temporary file and a rename each time, and the list grows with the limit). Its decision is a
fixed window: the list is dropped when the window that started with the first request ends. Here
that same fixed window is one atomic statement per limit and request: an UNLOGGED table (counters
need no crash safety) upserted with ``INSERT … ON CONFLICT … DO UPDATE … RETURNING``. The window
uses the database clock, so workers on several machines agree on it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import asyncpg
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.rate_limit import DURATION_VALUES, RateLimitMiddleware
from litestar.types import Receive, Scope, Send
from piccolo.engine.postgres import PostgresEngine

from passnum.tables import Organisation

CREATE_SQL = """
CREATE UNLOGGED TABLE IF NOT EXISTS rate_limit_counter (
    key text PRIMARY KEY,
    hits bigint NOT NULL,
    reset_at bigint NOT NULL
)
"""
# $1 key, $2 window in seconds. A key whose window has ended starts again at 1. now() is the
# statement's start time, the same in every expression.
HIT_SQL = """
INSERT INTO rate_limit_counter AS c (key, hits, reset_at)
VALUES ($1, 1, floor(extract(epoch FROM now()))::bigint + $2)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN c.reset_at <= floor(extract(epoch FROM now())) THEN 1 ELSE c.hits + 1 END,
    reset_at = CASE WHEN c.reset_at <= floor(extract(epoch FROM now())) THEN excluded.reset_at
                    ELSE c.reset_at END
RETURNING hits, reset_at - floor(extract(epoch FROM now()))::bigint AS reset_in
"""
PURGE_SQL = "DELETE FROM rate_limit_counter WHERE reset_at < floor(extract(epoch FROM now()))"
PURGE_EVERY = 10_000  # hits per process between two purges of ended windows


@dataclass(slots=True)
class Count:
    hits: int  # requests in the window, this one included
    reset: int  # epoch second (local clock) when the window ends


class _Counter:
    hits_since_purge = 0

    @classmethod
    async def hit(cls, key: str, window: int) -> Count:
        engine = Organisation._meta.db
        if not isinstance(engine, PostgresEngine):  # pragma: no cover - chosen for PostgreSQL only
            raise TypeError("The database rate-limit store needs PostgreSQL.")
        cls.hits_since_purge += 1
        purge = cls.hits_since_purge >= PURGE_EVERY
        if purge:
            cls.hits_since_purge = 0
        if engine.pool is not None:
            async with engine.pool.acquire() as connection:
                return await _hit(connection, key, window, purge)
        connection = await engine.get_new_connection()
        try:
            return await _hit(connection, key, window, purge)
        finally:
            await connection.close()


async def _hit(connection: Any, key: str, window: int, purge: bool) -> Count:
    try:
        row = await connection.fetchrow(HIT_SQL, key, window)
    except asyncpg.UndefinedTableError:
        try:
            await connection.execute(CREATE_SQL)
        except (
            asyncpg.UniqueViolationError,
            asyncpg.DuplicateObjectError,
            asyncpg.DuplicateTableError,
        ):
            pass  # another worker created it at the same moment
        row = await connection.fetchrow(HIT_SQL, key, window)
    if purge:
        await connection.execute(PURGE_SQL)
    return Count(row["hits"], int(time.time()) + row["reset_in"])


class DatabaseRateLimitMiddleware(RateLimitMiddleware):
    """RateLimitMiddleware counting in PostgreSQL: same fixed window, keys, headers and 429."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = scope["litestar_app"].request_class(scope)
        if await self.should_check_request(request=request):
            count = await _Counter.hit(
                self.cache_key_from_request(request), DURATION_VALUES[self.unit]
            )
            if count.hits > self.max_requests:
                raise TooManyRequestsException(
                    headers=self.create_response_headers(count)  # type: ignore[arg-type]
                    if self.config.set_rate_limit_headers
                    else None
                )
            if self.config.set_rate_limit_headers:
                send = self.create_send_wrapper(send=send, cache_object=count)  # type: ignore[arg-type]
        await self.app(scope, receive, send)

    def create_response_headers(self, cache_object: Count) -> dict[str, str]:  # type: ignore[override]
        remaining = max(self.max_requests - cache_object.hits, 0)
        return {
            self.config.rate_limit_policy_header_key: (
                f"{self.max_requests}; w={DURATION_VALUES[self.unit]}"
            ),
            self.config.rate_limit_limit_header_key: str(self.max_requests),
            self.config.rate_limit_remaining_header_key: str(remaining),
            self.config.rate_limit_reset_header_key: str(cache_object.reset - int(time.time())),
        }
